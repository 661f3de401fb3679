"""Evidence on a case or a statutory process, the case file made from it, and the record that it has not been altered.

Attachments are hash-chained on their case with its timeline, and files on a statutory
process with its decisions (`casework.models.chain`): a record changed, removed or slipped
in outside the services is found by `verify_case_files`. The file itself is checked by its
SHA-256, kept here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework.models import Case, CaseMessage, Child, Family
from casework.models.chain import ChainLink
from statutory.models import Decision, Process, Step


class StoredFile(ChainLink):
    """A file kept in the evidence store, never at a public URL: what every kind of attachment holds."""

    name = models.CharField(max_length=150, help_text="The file's name made safe, with the extension of its real type.")
    description = models.CharField(max_length=500, blank=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    # The key in the evidence store: made here, never from the uploader's file name.
    stored_as = models.CharField(max_length=200, unique=True)
    staff_only = models.BooleanField(default=False, help_text="Staff only: the family never sees it.")
    virus_scanned = models.BooleanField(default=False, help_text="Checked by ClamAV before it was kept.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def file_content(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "size": self.size,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "stored_as": self.stored_as,
            "staff_only": self.staff_only,
            "virus_scanned": self.virus_scanned,
            "uploaded_by": self.uploaded_by_id,
            "uploaded_at": self.uploaded_at,
        }


class Attachment(StoredFile):
    """A file on a case (optionally on one of its messages)."""

    chain_label = "attachment"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "uploaded_at", "id"], name="attachment_of_case")]

    def chain_content(self) -> dict:
        return {"message": self.message_id, **self.file_content()}


class ProcessAttachment(StoredFile):
    """A file on a child's statutory process, optionally on one of its steps or decisions (a report, the
    family's comments on a draft plan, the panel's papers), chained on the process with its decisions."""

    chain_label = "statutory file"
    chain_owner = "process"

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="attachments")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["process", "uploaded_at", "id"], name="attachment_of_process")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__isnull=True) | models.Q(decision__isnull=True),
                name="process_attachment_step_or_decision",
            )
        ]

    def chain_content(self) -> dict:
        return {"step": self.step_id, "decision": self.decision_id, **self.file_content()}


class CaseFileExport(models.Model):
    """Someone took a copy of a case file, or of everything held about a family: who, when and what."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF bundle"
        ZIP = "zip", "ZIP with the original files"
        SUBJECT_ACCESS = "subject_access", "Subject access request (ZIP)"

    class Version(models.TextChoices):
        FAMILY = "family", "The family's copy (no internal notes or staff-only files)"
        FULL = "full", "Full file (for the Tribunal or the Ombudsman)"
        SUBJECT_ACCESS = "subject_access", "Everything held, internal notes marked for review"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=20, choices=Version.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="exports")
    # Every case of a child the taker could see, in one ZIP.
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="exports")
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # The chain's latest hash when the copy was made: what the copy's manifest names.
    chain_head = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"], name="export_of_case")]


class ChainSeal(models.Model):
    """Where a case's chain ended at the last nightly check.

    A chain can only grow: if the record at `length` no longer has `head`, the
    chain was rewritten, even if every link in it was recomputed to fit.
    """

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.PROTECT, related_name="chain_seal")
    length = models.PositiveIntegerField()
    head = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()


class ProcessFileDownload(models.Model):
    """Staff downloaded a file on a statutory process: who and when, as a case's record access is logged."""

    attachment = models.ForeignKey(ProcessAttachment, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]


class ProcessChainSeal(models.Model):
    """Where a statutory process's chain ended at the last nightly check: as `ChainSeal` is for a case."""

    process = models.OneToOneField(Process, primary_key=True, on_delete=models.PROTECT, related_name="chain_seal")
    length = models.PositiveIntegerField()
    head = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()


class ChainDigest(models.Model):
    """One night's digest of every case's latest hash, and what that night's check found.

    Written when the check starts and completed when it ends: a check stopped halfway (a deploy, a time
    limit) has sealed some cases and not others, so its seals match no digest until the next full check.
    """

    made_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    cases = models.PositiveIntegerField(default=0)
    processes = models.PositiveIntegerField(default=0)
    # SHA-256 over "case id:length:head" lines, one a case in case order, then "process id:length:head"
    # lines, one a statutory process in process order: the seals it was made from.
    digest = models.CharField(max_length=64, blank=True)
    breaks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-made_at"]
        get_latest_by = "made_at"
