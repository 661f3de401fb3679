"""The timeline of each case, and who opened its record."""


from django.conf import settings
from django.db import models
from django.utils import timezone

from .cases import Case, CaseMessage
from .chain import CaseChain, ChainLink


class CaseEventManager(models.Manager):
    """Every app writes timeline events through here and nowhere else."""

    def record(self, *, case, kind, actor=None, text="", internal=False, message=None, data=None, at=None):
        """Add a line to the timeline, linked to the end of the case's hash chain (one query more)."""
        event = self.line(
            case=case, kind=kind, actor=actor, text=text, internal=internal, message=message, data=data, at=at
        )
        CaseChain.objects.extend(event)
        event.save()
        return event

    def record_many(self, events: list["CaseEvent"]) -> list["CaseEvent"]:
        """Add many lines, made with `line`, in one insert: for the sweep and offboarding, which write hundreds.

        Each is linked to its case's hash chain in the order given, for two queries more in all.
        """
        CaseChain.objects.extend_many(events)
        return self.bulk_create(events)

    def line(self, *, case, kind, actor=None, text="", internal=False, message=None, data=None, at=None):
        """A timeline line not yet saved, for `record_many`."""
        return self.model(
            case=case,
            kind=kind,
            actor=actor,
            text=text,
            internal=internal,
            message=message,
            data=data or {},
            at=at or timezone.now(),
        )


class CaseEvent(ChainLink):
    """One line of a case's timeline, in words a family understands. Written with the change it describes.

    Hash-chained on its case (`casework.models.chain`): written only through `CaseEvent.objects`.
    """

    chain_label = "timeline event"

    class Kind(models.TextChoices):
        LOGGED = "logged", "Concern logged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        STARTED = "started", "Work started"
        AWAITING_PARENT = "awaiting_parent", "Waiting for the family"
        RESUMED = "resumed", "Work resumed"
        MESSAGE = "message", "Message"
        NOTE = "note", "Internal note"
        REASSIGNED = "reassigned", "New named officer"
        HANDOVER = "handover", "Handed over"
        COVERED = "covered", "Cover arranged"
        COVER_ENDED = "cover_ended", "Cover ended"
        REMINDER = "reminder", "Reminder sent"
        ESCALATED = "escalated", "Escalated"
        EXTENDED = "extended", "Timescale extended"
        CHASED = "chased", "Chased by the family"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"
        CLOSED = "closed", "Closed"
        FOLLOW_UP = "follow_up", "Asked if still fixed"
        CONFIRMED = "confirmed", "Family confirmed it is fixed"
        ATTACHED = "attached", "File added"

    # Read through the timeline index, which leads with the case.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    message = models.ForeignKey(CaseMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventManager()

    def chain_content(self) -> dict:
        return {
            "at": self.at,
            "kind": self.kind,
            "actor": self.actor_id,
            "text": self.text,
            "internal": self.internal,
            "message": self.message_id,
            "data": self.data,
        }

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at", "id"], name="case_event_timeline"),
            # The accountability report counts handovers in and out of every officer from this index
            # alone on PostgreSQL (the officers' ids are in `data`): owner changes are spread thinly over
            # the biggest table, and a count took 1.8 s without it.
            models.Index(
                fields=["case"],
                include=["id", "data"],
                name="case_event_owner_change_data",
                condition=models.Q(kind__in=["handover", "reassigned"]),
            ),
        ]


class CaseAccess(models.Model):
    """Staff opened this case record. Special category data under UK GDPR: every look is logged."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=30, help_text="Which screen or API call opened it.")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"], name="case_access_recent")]
        verbose_name_plural = "case accesses"
