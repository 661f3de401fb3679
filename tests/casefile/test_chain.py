"""The hash chain: every timeline event and attachment record is linked to the one before it on its case,
so a row changed, removed or inserted outside the services is found and named (DESIGN.md invariant 2)."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from casefile import services as casefile_services
from casefile.models import ChainDigest, ChainSeal
from casefile.verification import case_chain_verify
from casework import services
from casework.models import CaseEvent
from casework.models.chain import GENESIS, CaseChain
from notifications.models import Notification
from tests.casefile.conftest import PDF_BYTES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_case(borough, case1):
    """A case with a few events and an attachment, as the services write them."""
    officer = case1.accountable_officer.user
    services.case_acknowledge(actor=officer, case=case1)
    services.case_message_add(actor=borough.parent1, case=case1, text="Any news?")
    casefile_services.attachment_add(
        actor=borough.parent1, case=case1, upload=SimpleUploadedFile("report.pdf", PDF_BYTES)
    )
    services.case_message_add(actor=officer, case=case1, text="Checked with the school.", internal=True)
    return case1


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_record_hashes_its_content_and_the_hash_before_it(busy_case):
    """Worked from the rule, not the code: sha256(previous hash + sha256(canonical JSON of the content))."""
    first = CaseEvent.objects.filter(case=busy_case).order_by("chain_seq").first()
    content = {
        "record": "casework.caseevent",
        "case": busy_case.pk,
        "at": first.at.isoformat(timespec="microseconds"),
        "kind": "logged",
        "actor": first.actor_id,
        "text": first.text,
        "internal": False,
        "message": None,
        "data": first.data,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()

    assert first.chain_seq == 1
    assert first.chain_prev == GENESIS
    assert first.chain_hash == hashlib.sha256((GENESIS + digest).encode()).hexdigest()


def test_a_case_written_through_the_services_is_intact(api, busy_case):
    report = case_chain_verify(busy_case)

    assert report.intact
    assert report.records == 6  # logged, acknowledged, message, attached, the attachment, note
    assert report.head == CaseChain.objects.get(case=busy_case).head
    body = api.as_user(busy_case.accountable_officer.user).get(f"/api/cases/{busy_case.pk}/verify/").json()
    assert body == {"intact": True, "records": 6, "head": report.head, "broken": None, "breaks": []}


def test_a_timeline_row_changed_in_sql_is_reported_naming_the_case_and_record(api, busy_case):
    message = CaseEvent.objects.get(case=busy_case, kind="message")
    sql("UPDATE casework_caseevent SET text = 'I am happy with everything.' WHERE id = %s", [message.pk])

    report = case_chain_verify(busy_case)

    assert not report.intact
    assert [(b.reference, b.record, b.problem) for b in report.breaks] == [
        (busy_case.reference, f"timeline event {message.pk}", "changed")
    ]
    body = api.as_user(busy_case.accountable_officer.user).get(f"/api/cases/{busy_case.pk}/verify/").json()
    assert body["intact"] is False
    assert body["broken"]["record"] == f"timeline event {message.pk}"


def test_a_timeline_row_deleted_in_sql_is_reported(busy_case):
    message = CaseEvent.objects.get(case=busy_case, kind="message")
    sql("DELETE FROM casework_caseevent WHERE id = %s", [message.pk])

    report = case_chain_verify(busy_case)

    assert [(b.reference, b.record, b.problem) for b in report.breaks] == [
        (busy_case.reference, f"the record at place {message.chain_seq}", "removed")
    ]


def test_the_latest_row_deleted_in_sql_is_reported(busy_case):
    last = CaseEvent.objects.filter(case=busy_case).order_by("-chain_seq").first()
    sql("DELETE FROM casework_caseevent WHERE id = %s", [last.pk])

    assert [b.problem for b in case_chain_verify(busy_case).breaks] == ["removed"]


def test_a_timeline_row_inserted_in_sql_is_reported(busy_case):
    sql(
        "INSERT INTO casework_caseevent (case_id, at, kind, text, internal, data, chain_prev, chain_hash) "
        "VALUES (%s, %s, 'message', 'Family agreed to close', false, '{}', '', '')",
        [busy_case.pk, timezone.now()],
    )
    inserted = CaseEvent.objects.filter(case=busy_case).latest("id")

    report = case_chain_verify(busy_case)

    assert [(b.reference, b.record, b.problem) for b in report.breaks] == [
        (busy_case.reference, f"timeline event {inserted.pk}", "inserted")
    ]


def test_an_attachment_record_changed_in_sql_is_reported(busy_case):
    attachment = busy_case.attachments.get()
    sql("UPDATE casefile_attachment SET staff_only = true WHERE id = %s", [attachment.pk])

    assert [(b.record, b.problem) for b in case_chain_verify(busy_case).breaks] == [
        (f"attachment {attachment.pk}", "changed")
    ]


def test_a_row_changed_and_rehashed_is_caught_by_the_next_records_link(busy_case):
    message = CaseEvent.objects.get(case=busy_case, kind="message")
    message.text = "I am happy with everything."
    rehashed = hashlib.sha256((message.chain_prev + message.chain_digest()).encode()).hexdigest()
    sql("UPDATE casework_caseevent SET text = %s, chain_hash = %s WHERE id = %s", [message.text, rehashed, message.pk])

    breaks = case_chain_verify(busy_case).breaks

    assert [(b.record, b.problem) for b in breaks] == [(f"timeline event {message.pk}", "changed")]


def rewrite_whole_chain(case, *, text):
    """What an insider who knows the scheme would do: change a row, then recompute every hash after it."""
    message = CaseEvent.objects.get(case=case, kind="message")
    sql("UPDATE casework_caseevent SET text = %s WHERE id = %s", [text, message.pk])
    records = sorted(
        [*CaseEvent.objects.filter(case=case), *case.attachments.all()], key=lambda record: record.chain_seq
    )
    previous = GENESIS
    for record in records:
        record.chain_prev = previous
        record.chain_hash = hashlib.sha256((previous + record.chain_digest()).encode()).hexdigest()
        type(record).objects.filter(pk=record.pk).update(chain_prev=record.chain_prev, chain_hash=record.chain_hash)
        previous = record.chain_hash
    CaseChain.objects.filter(case=case).update(head=previous)


def test_a_whole_chain_rewritten_after_the_nightly_seal_is_caught(busy_case):
    casefile_services.case_files_verify(nightly=True)
    rewrite_whole_chain(busy_case, text="I am happy with everything.")

    breaks = case_chain_verify(busy_case).breaks

    assert [(b.reference, b.problem) for b in breaks] == [(busy_case.reference, "rewritten")]


def test_the_nightly_run_records_a_digest_of_every_case_and_alerts_administrators_of_a_break(busy_case, case2):
    admin = UserFactory(username="council-admin", is_superuser=True, is_staff=True)
    first = casefile_services.case_files_verify(nightly=True)
    assert first.breaks == []
    assert first.digest.cases == 2
    assert not Notification.objects.filter(template="admin_case_files_altered").exists()

    message = CaseEvent.objects.get(case=busy_case, kind="message")
    sql("UPDATE casework_caseevent SET text = 'changed' WHERE id = %s", [message.pk])
    second = casefile_services.case_files_verify(nightly=True)

    assert ChainDigest.objects.count() == 2
    assert second.digest.breaks == 1
    alert = Notification.objects.filter(template="admin_case_files_altered", recipient=admin).first()
    assert alert is not None
    assert busy_case.reference in alert.body
    assert f"timeline event {message.pk}" in alert.body


def test_seals_altered_to_hide_a_rewrite_no_longer_match_the_last_digest(busy_case):
    casefile_services.case_files_verify(nightly=True)
    rewrite_whole_chain(busy_case, text="I am happy with everything.")
    sql("UPDATE casefile_chainseal SET head = %s", [CaseChain.objects.get(case=busy_case).head])

    run = casefile_services.case_files_verify(nightly=True)

    assert [(b.record, b.problem) for b in run.breaks] == [("the nightly seals", "changed")]


def test_the_command_names_the_case_and_fails(busy_case, capsys):
    call_command("verify_case_files")
    message = CaseEvent.objects.get(case=busy_case, kind="message")
    sql("DELETE FROM casework_caseevent WHERE id = %s", [message.pk])

    with pytest.raises(CommandError):
        call_command("verify_case_files", "--case", busy_case.reference)
    assert busy_case.reference in capsys.readouterr().out


def test_records_written_in_one_batch_chain_one_after_the_other(borough, case1, case2):
    events = [
        CaseEvent.objects.line(case=case, kind="reminder", text=f"Reminder {n}")
        for n in range(3)
        for case in (case1, case2)
    ]
    CaseEvent.objects.record_many(events)

    assert case_chain_verify(case1).intact and case_chain_verify(case2).intact
    assert CaseChain.objects.get(case=case1).length == 4


def test_only_staff_may_check_a_case_and_another_familys_case_is_not_found(api, borough, case1, case2):
    assert api.as_user(borough.parent1).get(f"/api/cases/{case1.pk}/verify/").status_code == 403
    assert api.as_user(borough.parent1).get(f"/api/cases/{case2.pk}/verify/").status_code == 404
    assert api.as_user(borough.officer2.user).get(f"/api/cases/{case1.pk}/verify/").status_code == 404


def test_a_nightly_check_that_did_not_finish_raises_no_false_alarm_the_next_night(busy_case):
    casefile_services.case_files_verify(nightly=True)
    # A check stopped halfway (a deploy, its time limit) has resealed some cases and recorded no digest.
    ChainDigest.objects.create()
    sql("UPDATE casefile_chainseal SET sealed_at = sealed_at")
    services.case_message_add(actor=busy_case.accountable_officer.user, case=busy_case, text="Still checking.")
    casefile_services._seal(ChainSeal, [case_chain_verify(busy_case)])

    run = casefile_services.case_files_verify(nightly=True)

    assert run.breaks == []
    assert run.digest.finished_at is not None
