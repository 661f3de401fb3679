"""The evidence store: Django's storage API over a private folder, or an S3-compatible bucket.

Files are kept under keys made here (`cases/<case id>/<random>.<extension>`, or `statutory/<process id>/...`
for a file on a statutory process), never under the name
an uploader gave, and never at a public URL: they leave only through the permission-checked download.
"""

from uuid import uuid4

from django.conf import settings
from django.core.files.storage import Storage, storages


def evidence_store() -> Storage:
    return storages.create_storage(settings.CASEFILE_STORAGE)


def new_key(folder: str, extension: str) -> str:
    return f"{folder}/{uuid4().hex}.{extension}"
