"""Rows written many at once arrive exactly as written, whatever a family typed into them."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from psycopg.adapt import PyFormat
from psycopg.types.array import ListBinaryDumper

from casework.models import CaseEvent
from tests.casework.test_history import log_case

AWKWARD = [
    'He said "no", then {left}, then \\ back',
    "NULL",
    "",
    "tab\there, newline\nthere, comma, semicolon;",
    "Zoë’s school 🚌 – £5",
]


def test_timeline_lines_written_together_keep_every_character(borough):
    case = log_case(borough)
    at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    lines = [
        CaseEvent.objects.line(case=case, kind=CaseEvent.Kind.NOTE, text=text, data={"said": text}, at=at)
        for text in AWKWARD
    ]
    lines.append(CaseEvent.objects.line(case=case, kind=CaseEvent.Kind.NOTE, actor=borough.officer1.user, at=at))

    CaseEvent.objects.record_many(lines)

    saved = list(CaseEvent.objects.filter(case=case, at=at).order_by("pk").values_list("text", "data", "actor_id"))
    assert saved == [(text, {"said": text}, None) for text in AWKWARD] + [("", {}, borough.officer1.user.pk)]


@pytest.mark.postgres
def test_lists_go_to_postgresql_in_its_binary_format(db):
    # Bulk inserts send one array a column; the text format escapes every element in Python (config/database.py).
    connection.ensure_connection()
    dumper = connection.connection.adapters.get_dumper(list, PyFormat.AUTO)
    assert dumper is ListBinaryDumper
