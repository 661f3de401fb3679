"""Uploads stop being kept once they pass the size limit, so an oversized file never fills a disk or memory.

First among the upload handlers (`FILE_UPLOAD_HANDLERS`): it passes each piece of a file on to Django's own
handlers until the file passes `CASEFILE_MAX_UPLOAD_BYTES`, then swallows the rest, only counting it. The
file then arrives empty but with its real size, and `attachment_add` refuses it with the usual message.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.CASEFILE_MAX_UPLOAD_BYTES:
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.received <= settings.CASEFILE_MAX_UPLOAD_BYTES:
            return None  # Django's own handlers keep it, as ever.
        return InMemoryUploadedFile(
            io.BytesIO(), self.field_name, self.file_name, self.content_type, self.received, self.charset
        )
