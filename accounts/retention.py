"""Retention: records leave the service only by this process (UK GDPR Article 5(1)(e), storage limitation).

The schedule is data (`RetentionRule`, defaults shipped by a migration, each with its source). A monthly task
lists what has passed its date (`retention_review_list`); nothing goes until a named administrator approves the
list (`retention_review_approve`), which removes each record and everything that depends on it, history rows
included, in one transaction, writing an audit row for each (a child file's evidence files leave the store once it
commits): what went, how many rows of each table, when, and
who approved. A legal hold on a child or a case keeps it, whatever the schedule says, even if the hold is
placed after the list was made. A child with a concern still open is never listed.
"""

import logging
from collections import Counter
from datetime import date
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casefile.models import Attachment, ProcessAttachment
from casefile.storage import evidence_store
from casework.models import Case, Child
from core.exceptions import Conflict, NotAllowed

from .models import Invitation, LegalHold, RetentionAudit, RetentionItem, RetentionReview, RetentionRule

logger = logging.getLogger(__name__)
Kind = RetentionRule.Kind


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _held(child_field: str) -> Exists:
    holds = LegalHold.objects.filter(lifted_at__isnull=True)
    return Exists(holds.filter(Q(child=OuterRef(child_field)) | Q(case__child=OuterRef(child_field))))


def child_files_due(today: date):
    """Children past the schedule's date, not held, with no concern still open."""
    rule = RetentionRule.objects.filter(kind=Kind.CHILD_FILE).first()
    if rule is None:
        return Child.objects.none(), None
    open_case = Case.objects.filter(child=OuterRef("pk")).exclude(status=Case.Status.CLOSED)
    children = Child.objects.filter(date_of_birth__lte=years_after(today, -rule.years))
    return children.exclude(_held("pk")).exclude(Exists(open_case)).order_by("pk"), rule


def invitations_due(today: date):
    rule = RetentionRule.objects.filter(kind=Kind.INVITATION).first()
    if rule is None:
        return Invitation.objects.none(), None
    cutoff = timezone.now() - (today - years_after(today, -rule.years))
    ended = (
        Q(accepted_at__lte=cutoff)
        | Q(withdrawn_at__lte=cutoff)
        | Q(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__lte=cutoff)
    )
    return Invitation.objects.filter(ended).exclude(_held("child")).order_by("pk"), rule


def _items_due(today: date) -> list[RetentionItem]:
    items = []
    children, rule = child_files_due(today)
    for child in children:
        cases = Case.objects.filter(child=child).count()
        items.append(RetentionItem(
            kind=Kind.CHILD_FILE,
            object_id=child.pk,
            due_on=years_after(child.date_of_birth, rule.years),
            description=f"Child file {child.pk} (born {child.date_of_birth.year}), with {cases} concern(s)",
        ))
    invitations, rule = invitations_due(today)
    for invitation in invitations:
        ended = invitation.accepted_at or invitation.withdrawn_at or invitation.expires_at
        items.append(RetentionItem(
            kind=Kind.INVITATION,
            object_id=invitation.pk,
            due_on=years_after(timezone.localdate(ended), rule.years),
            description=f"Invitation {invitation.pk} to child file {invitation.child_id}, ended {ended:%Y-%m}",
        ))
    return items


@transaction.atomic
def retention_review_list(*, today: date | None = None) -> RetentionReview | None:
    """List what has passed its date for an administrator to approve; None if nothing has. Idempotent enough to
    rerun: a list still awaiting approval is superseded by the new one, which holds everything it held."""
    today = today or timezone.localdate()
    items = _items_due(today)
    RetentionReview.objects.filter(status=RetentionReview.Status.AWAITING_APPROVAL).update(
        status=RetentionReview.Status.SUPERSEDED
    )
    if not items:
        return None
    review = RetentionReview.objects.create()
    for item in items:
        item.review = review
    RetentionItem.objects.bulk_create(items)
    logger.warning("%s record(s) have passed their retention date and await an administrator's approval.", len(items))
    return review


def require_named_administrator(actor) -> None:
    if not (actor.is_active and actor.is_superuser and actor.get_full_name().strip()):
        raise NotAllowed("Only an administrator with their name on record may approve removing records.")


@transaction.atomic
def retention_review_approve(*, review: RetentionReview, actor) -> list[RetentionAudit]:
    """Approve a list and remove what is on it, each record with everything that depends on it. Atomic.

    Each record is checked again first: one held, or no longer due (a concern reopened), stays, and the
    audit says nothing about it. Raises NotAllowed for anyone but a named administrator; Conflict for a list
    already carried out or superseded.
    """
    require_named_administrator(actor)
    review = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if review.status != RetentionReview.Status.AWAITING_APPROVAL:
        raise Conflict(f"This list is {review.get_status_display().lower()}: approve the latest one.")
    review.status, review.approved_by, review.approved_at = RetentionReview.Status.CARRIED_OUT, actor, timezone.now()
    review.save()
    today = timezone.localdate()
    due = {
        Kind.CHILD_FILE: Child.objects.filter(pk__in=child_files_due(today)[0].values("pk")),
        Kind.INVITATION: Invitation.objects.filter(pk__in=invitations_due(today)[0].values("pk")),
    }
    audits = []
    for item in review.items.order_by("pk"):
        still_due = due[item.kind].filter(pk=item.object_id)
        if not still_due.exists():
            continue
        removed = Counter()
        files = _evidence_files_of(item)
        remove_with_dependents(still_due, removed)
        if files:
            removed["evidence files"] = len(files)
            # The files go once the rows are gone for good: a rolled-back approval leaves both in place.
            transaction.on_commit(partial(_evidence_files_delete, files))
        audits.append(RetentionAudit(
            review=review, kind=item.kind, object_id=item.object_id, description=item.description,
            rows_removed=dict(sorted(removed.items())), approved_by=actor,
        ))
    return RetentionAudit.objects.bulk_create(audits)


def _evidence_files_of(item: RetentionItem) -> list[str]:
    """The evidence store's keys for a child file's attachments, on their cases and their statutory processes:
    the files themselves, not only their rows."""
    if item.kind != Kind.CHILD_FILE:
        return []
    on_cases = Attachment.objects.filter(case__child_id=item.object_id).values_list("stored_as", flat=True)
    on_processes = ProcessAttachment.objects.filter(process__child_id=item.object_id).values_list("stored_as", flat=True)
    return [*on_cases, *on_processes]


def _evidence_files_delete(keys: list[str]) -> None:
    store = evidence_store()
    for key in keys:
        store.delete(key)


def remove_with_dependents(queryset, removed: Counter) -> None:
    """Delete these rows and every row that depends on them, dependents first, with their history rows, so no
    row is left pointing at nothing. `removed` counts the rows of each table."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            continue  # the rows joining them go with delete() below
        dependents = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        remove_with_dependents(dependents, removed)
    _, by_table = model._base_manager.filter(pk__in=ids).delete()
    removed.update(by_table)
    # After the rows themselves: django-simple-history records each deletion as one more history row.
    history = getattr(model, "history", None)
    if history is not None:
        count, _ = history.model.objects.filter(id__in=ids).delete()
        removed[history.model._meta.label] += count


@transaction.atomic
def legal_hold_place(*, actor, reason: str, child: Child | None = None, case: Case | None = None) -> LegalHold:
    hold = LegalHold(child=child, case=case, reason=reason, placed_by=actor)
    hold._history_user = actor
    hold.full_clean()
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at:
        raise Conflict("This hold has already been lifted.")
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold._history_user = actor
    hold.save()
    return hold
