"""A case file ZIP is streamed: memory stays flat however many events and files the case holds."""

import os
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefile import services as casefile_services
from casefile.exports import CONTENTS, case_zip_chunks
from casefile.models import CaseFileExport
from casework.models import CaseEvent

pytestmark = pytest.mark.django_db

FILES = 20
FILE_SIZE = 1024 * 1024


def test_a_case_with_many_events_and_twenty_one_megabyte_files_streams_in_bounded_memory(borough, case1):
    officer = case1.accountable_officer.user
    CaseEvent.objects.record_many(
        [CaseEvent.objects.line(case=case1, kind="note", actor=officer, text=f"Note {n} " * 20, internal=True)
         for n in range(499)]
    )
    for number in range(FILES):
        content = b"%PDF-1.4\n" + os.urandom(FILE_SIZE)
        casefile_services.attachment_add(
            actor=officer, case=case1, upload=SimpleUploadedFile(f"evidence {number}.pdf", content)
        )

    tracemalloc.start()
    try:
        sent = 0
        for chunk in case_zip_chunks(case=case1, contents=CONTENTS[CaseFileExport.Version.FULL], made_by=officer):
            sent += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert sent > FILES * FILE_SIZE
    # Over 20 MB sent; what is held at once is a chunk of rows and a piece of one file, not the case.
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
