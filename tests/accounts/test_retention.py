"""Retention: nothing leaves without a named administrator's approval; a legal hold keeps a record; what goes
leaves an audit row and no orphan row. Worked examples from the schedule: a child file goes 31 years after the
child's date of birth (IRMS: an EHC plan can run to 25, plus 6 years' limitation)."""

from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import Invitation, RetentionAudit, RetentionReview
from accounts.retention import legal_hold_lift, legal_hold_place, retention_review_approve, retention_review_list
from accounts.tasks import list_records_past_retention
from casefile.services import attachment_add, process_attachment_add
from casework.models import EHCP, Case, CaseEvent, Child
from casework.services import case_close, case_log
from core.exceptions import Conflict, NotAllowed
from tests.factories import UserFactory
from tests.statutory.conftest import start_assessment

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def administrator(db):
    return UserFactory(username="records-admin", first_name="Dana", last_name="Records", is_superuser=True, is_staff=True)


@pytest.fixture
def evidence_store(tmp_path, settings):
    location = tmp_path / "evidence"
    settings.CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None},
    }
    settings.CLAMD_SOCKET = ""
    return location


@pytest.fixture
def old_file(borough, evidence_store):
    """Alex, born 7 December 1995: 31 on 7 December 2026, with a plan and one closed concern with a letter on it."""
    child = borough.child1
    child.date_of_birth = date(1995, 12, 7)
    child.save()
    case = case_log(actor=borough.parent1, child_id=child.pk, category_slug="other", summary="Old", description=".")
    attachment_add(actor=borough.parent1, case=case, upload=SimpleUploadedFile("letter.pdf", PDF))
    case_close(actor=borough.head_of_service.user, case=case, outcome="Sorted long ago")
    return child


def test_a_child_file_is_listed_on_the_day_31_years_after_birth_and_not_the_day_before(old_file):
    assert retention_review_list(today=date(2026, 12, 6)) is None

    review = retention_review_list(today=TODAY)

    assert [(item.kind, item.object_id, item.due_on) for item in review.items.all()] == [
        ("child_file", old_file.pk, TODAY)
    ]
    assert old_file.first_name not in review.items.get().description


def test_a_child_with_a_concern_still_open_is_never_listed(borough, old_file):
    case_log(actor=borough.parent1, child_id=old_file.pk, category_slug="other", summary="New", description=".")

    assert retention_review_list(today=TODAY) is None


def test_nothing_is_removed_by_listing_alone(old_file):
    list_records_past_retention()
    retention_review_list(today=TODAY)

    assert Child.objects.filter(pk=old_file.pk).exists()
    assert not RetentionAudit.objects.exists()


def test_approval_by_a_named_administrator_removes_the_file_and_leaves_an_audit_row(
    old_file, administrator, evidence_store, django_capture_on_commit_callbacks
):
    case_ids = list(Case.objects.filter(child=old_file).values_list("pk", flat=True))
    review = retention_review_list(today=TODAY)
    assert [path for path in evidence_store.rglob("*") if path.is_file()]

    with django_capture_on_commit_callbacks(execute=True):
        audits = retention_review_approve(review=review, actor=administrator)

    assert not Child.objects.filter(pk=old_file.pk).exists()
    assert not Case.objects.filter(pk__in=case_ids).exists()
    assert not CaseEvent.objects.filter(case_id__in=case_ids).exists()
    assert not EHCP.objects.filter(child_id=old_file.pk).exists()
    [audit] = audits
    assert (audit.kind, audit.object_id, audit.approved_by) == ("child_file", old_file.pk, administrator)
    assert audit.rows_removed["casework.Case"] == 1 and audit.rows_removed["casework.Child"] == 1
    assert audit.rows_removed["casefile.Attachment"] == 1 and audit.rows_removed["evidence files"] == 1
    assert [path for path in evidence_store.rglob("*") if path.is_file()] == []
    review.refresh_from_db()
    assert (review.status, review.approved_by) == (RetentionReview.Status.CARRIED_OUT, administrator)


def test_what_is_removed_leaves_no_orphan_row_nor_history(old_file, administrator):
    case_ids = list(Case.objects.filter(child=old_file).values_list("pk", flat=True))

    retention_review_approve(review=retention_review_list(today=TODAY), actor=administrator)

    # Every foreign key is checked now rather than at commit: a row pointing at nothing fails here.
    connection.check_constraints()
    assert not Child.history.filter(id=old_file.pk).exists()
    assert not Case.history.filter(id__in=case_ids).exists()
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.is_relation and field.related_model in (Case, Child) and not getattr(field, "db_constraint", True):
                assert not model.objects.filter(**{f"{field.attname}__in": [old_file.pk, *case_ids]}).exists(), model


@pytest.mark.parametrize("on", ["child", "case"])
def test_a_legal_hold_on_the_child_or_a_case_blocks_removal_even_after_listing(old_file, administrator, on):
    review = retention_review_list(today=TODAY)
    held = {"child": old_file} if on == "child" else {"case": Case.objects.get(child=old_file)}
    legal_hold_place(actor=administrator, reason="Ombudsman complaint", **held)

    audits = retention_review_approve(review=review, actor=administrator)

    assert audits == []
    assert Child.objects.filter(pk=old_file.pk).exists()
    assert retention_review_list(today=TODAY) is None


def test_a_lifted_hold_lets_the_file_be_listed_again(old_file, administrator):
    hold = legal_hold_place(actor=administrator, reason="Tribunal", child=old_file)
    assert retention_review_list(today=TODAY) is None

    legal_hold_lift(actor=administrator, hold=hold)

    assert retention_review_list(today=TODAY).items.count() == 1


def test_only_a_named_administrator_may_approve(old_file, borough):
    review = retention_review_list(today=TODAY)
    nameless = UserFactory(username="root", first_name="", last_name="", is_superuser=True)

    for actor in (borough.head_of_service.user, nameless):
        with pytest.raises(NotAllowed):
            retention_review_approve(review=review, actor=actor)

    assert Child.objects.filter(pk=old_file.pk).exists()


def test_a_list_is_approved_once_and_a_newer_list_supersedes_an_older_one(old_file, administrator):
    older = retention_review_list(today=TODAY)
    newer = retention_review_list(today=TODAY)

    with pytest.raises(Conflict):
        retention_review_approve(review=older, actor=administrator)
    retention_review_approve(review=newer, actor=administrator)
    with pytest.raises(Conflict):
        retention_review_approve(review=newer, actor=administrator)


def test_an_invitation_goes_a_year_after_it_ended(client, borough, administrator, time_machine):
    time_machine.move_to("2025-01-10 12:00Z")
    client.force_login(borough.officer1.user)
    client.post(f"/staff/children/{borough.child1.pk}/invite/", {
        "kind": "parent_carer", "relationship": "carer", "first_name": "Old", "last_name": "Invite",
        "delivery": "letter",
    })
    invitation = Invitation.objects.get()  # a letter: expires 28 days later, on 7 February 2025

    time_machine.move_to("2026-02-06 12:00Z")
    assert retention_review_list() is None
    time_machine.move_to("2026-02-08 12:00Z")
    retention_review_approve(review=retention_review_list(), actor=administrator)

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Invitation.history.filter(id=invitation.pk).exists()
    assert RetentionAudit.objects.get().kind == "invitation"


def test_the_listing_runs_monthly():
    from django.conf import settings

    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "accounts.list_records_past_retention"]
    assert entry["schedule"].day_of_month == {1}


def test_the_files_on_a_childs_statutory_process_go_with_the_file(
    borough, old_file, administrator, evidence_store, django_capture_on_commit_callbacks
):
    process = start_assessment(borough, on=date(2020, 3, 2))
    process_attachment_add(
        actor=process.coordinator.user, process=process, upload=SimpleUploadedFile("advice.pdf", PDF)
    )
    review = retention_review_list(today=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        [audit] = retention_review_approve(review=review, actor=administrator)

    assert audit.rows_removed["casefile.ProcessAttachment"] == 1 and audit.rows_removed["evidence files"] == 2
    assert [path for path in evidence_store.rglob("*") if path.is_file()] == []
