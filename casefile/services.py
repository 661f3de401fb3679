"""Every change to evidence and every copy of a case file, one function a use case (STYLE.md 2)."""

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework import notices
from casework.labels import name_shown_to_family
from casework.models import Case, CaseEvent, CaseMessage
from casework.models.chain import CaseChain
from casework.notices import family_of
from casework.permissions import is_staff_member
from casework.selectors import cases_visible_to
from casework.services import case_record_access
from core.exceptions import Conflict, NotAllowed
from core.time import describe_moment
from notifications.services import Telling, notification_enqueue_many
from statutory.models import Process, ProcessChain
from statutory.permissions import may_act_on, may_add_file

from . import filetypes, scanning
from .models import (
    Attachment,
    CaseFileExport,
    ChainDigest,
    ChainSeal,
    ProcessAttachment,
    ProcessChainSeal,
    ProcessFileDownload,
    StoredFile,
)
from .storage import evidence_store, new_key
from .verification import Break, cases_chain_verify, processes_chain_verify

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 500
# Characters Windows, macOS or a shell treat specially, and every control character.
UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')


@transaction.atomic
def attachment_add(
    *, actor, case: Case, upload, description: str = "", staff_only: bool = False, message_id: int | None = None
) -> Attachment:
    """Keep a file as evidence on a case (or on one of its messages), hash-chained with the case's timeline.

    A family may attach to their own case while it is not closed; staff to any case they can see, and
    only staff may keep a file from the family. The file's type is read from its content, it must not be
    empty or over the size limit, and with ClamAV configured it must scan clean: otherwise nothing is
    stored and the uploader is told why (ValidationError on `file`). If ClamAV is configured but does not
    answer, the file is refused too (`scanning.ScannerUnavailable`).
    """
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed("You cannot add files to this case.")
    is_staff = is_staff_member(actor)
    if staff_only and not is_staff:
        raise NotAllowed("Only staff can keep a file from the family.")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status == Case.Status.CLOSED and not is_staff:
        raise Conflict("This case is closed. Please tell us about the problem as a new concern.")
    message = _message_of_case(actor, case, message_id)
    # A file on an internal note is as private as the note.
    staff_only = staff_only or bool(message and message.internal)
    fields, filetype = _checked_file(actor, upload, description, staff_only)
    attachment = Attachment(case=case, message=message, **fields)
    with _kept(attachment, upload, key=new_key(f"cases/{case.pk}", filetype.extension), chain=CaseChain):
        event = CaseEvent.objects.record(
            case=case,
            kind=CaseEvent.Kind.ATTACHED,
            actor=actor,
            text=f"Added a file: {attachment.name}" + (f" ({attachment.description})" if attachment.description else ""),
            internal=staff_only,
            message=message,
            data={"attachment_id": attachment.pk},
            at=attachment.uploaded_at,
        )
        _tell_the_other_side(attachment, event, is_staff=is_staff)
    return attachment


@transaction.atomic
def process_attachment_add(
    *,
    actor,
    process: Process,
    upload,
    description: str = "",
    staff_only: bool = False,
    step_id: int | None = None,
    decision_id: int | None = None,
) -> ProcessAttachment:
    """Keep a file as evidence on a statutory process, or on one of its steps or decisions, hash-chained on the
    process with its decisions.

    The EHC coordinator or their manager may add a file to anything on the process, and keep it from the
    family; the family may add one to their own child's process, or to one of its steps, while it is open
    (`statutory.permissions.may_add_file`). The file goes through exactly the checks a case's file does.
    """
    process = Process.objects.select_for_update(of=("self",)).get(pk=process.pk)
    if not may_add_file(actor, process):
        raise NotAllowed("You cannot add files to this process.")
    if staff_only and not may_act_on(actor, process):
        raise NotAllowed("Only the EHC coordinator or their manager can keep a file from the family.")
    step, decision = _step_or_decision_of(actor, process, step_id, decision_id)
    fields, filetype = _checked_file(actor, upload, description, staff_only)
    attachment = ProcessAttachment(process=process, step=step, decision=decision, **fields)
    with _kept(attachment, upload, key=new_key(f"statutory/{process.pk}", filetype.extension), chain=ProcessChain):
        _tell_about_process_file(attachment, by_staff=may_act_on(actor, process))
    return attachment


def _step_or_decision_of(actor, process: Process, step_id: int | None, decision_id: int | None):
    """The step or decision of this process the file is about; a family's file is about the process or a step."""
    if step_id is not None and decision_id is not None:
        raise ValidationError({"decision": ["Choose a step or a decision, not both."]})
    step = decision = None
    if step_id is not None:
        step = process.steps.filter(pk=step_id).first()
        if step is None:
            raise ValidationError({"step": ["Choose a step of this process."]})
    if decision_id is not None:
        if not may_act_on(actor, process):
            raise ValidationError({"decision": ["Add your file to the process, or to one of its steps."]})
        decision = process.decisions.filter(pk=decision_id).first()
        if decision is None:
            raise ValidationError({"decision": ["Choose a decision of this process."]})
    return step, decision


def _tell_about_process_file(attachment: ProcessAttachment, *, by_staff: bool) -> None:
    """As for a case: the family's file goes to the EHC coordinator, a file staff share goes to the family."""
    process = attachment.process
    context = {"child_name": process.child.display_name, "process": process.get_kind_display(),
               "file_name": attachment.name}
    link = f"/statutory/{process.pk}/files/"
    if not by_staff:
        tellings = [Telling(recipient=process.coordinator.user, template="officer_statutory_family_file",
                            context={**context, "description": attachment.description}, link=link,
                            dedupe_key=f"statutory-file:{attachment.pk}")]
    elif not attachment.staff_only:
        context["officer_name"] = name_shown_to_family(attachment.uploaded_by)
        tellings = [Telling(recipient=member.user, template="statutory_file_shared", context=context, link=link,
                            dedupe_key=f"statutory-file:{attachment.pk}")
                    for member in family_of(process.child)]
    else:
        tellings = []
    notification_enqueue_many(tellings=tellings)


def _checked_file(actor, upload, description: str, staff_only: bool) -> tuple[dict, filetypes.FileType]:
    """Everything a kept file's record says about it, once the file has passed every check: its type read
    from its content, not empty or too large, a clean scan when ClamAV is configured, and a short description."""
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationError({"description": [f"Description must be {MAX_DESCRIPTION_LENGTH} characters or fewer."]})
    filetype = _checked_type(upload)
    fields = {
        "name": safe_name(upload.name, filetype),
        "description": description.strip(),
        "size": upload.size,
        "content_type": filetype.content_type,
        "sha256": _sha256(upload),
        "staff_only": staff_only,
        "virus_scanned": _scan(upload),
        "uploaded_by": actor,
    }
    return fields, filetype


@contextmanager
def _kept(record: StoredFile, upload, *, key: str, chain) -> Iterator[StoredFile]:
    """Store the file, then link its record to the end of its owner's chain and save it; what the caller does
    inside the block belongs with it.

    Stored before its record, so a record never points at nothing; if the record, or what the caller writes
    with it, cannot be written the file goes too. (A caller's own transaction rolled back later leaves a file
    no record names, which nobody can reach.)
    """
    upload.seek(0)
    stored_as = evidence_store().save(key, upload)
    try:
        record.stored_as = stored_as
        chain.objects.extend(record)
        record._history_user = record.uploaded_by
        record.save()
        yield record
    except Exception:
        evidence_store().delete(stored_as)
        raise


def _tell_the_other_side(attachment: Attachment, event: CaseEvent, *, is_staff: bool) -> None:
    """A family's file goes to the named officer (and whoever covers them); a file staff share goes to the
    family. A file kept for staff only is news to nobody outside the council."""
    case, link = attachment.case, f"/cases/{attachment.case_id}/files/"
    if not is_staff:
        context = {"file_name": attachment.name, "description": attachment.description}
        notices.tell_named_officer(case=case, event=event, template="officer_family_added_file", context=context)
    elif not attachment.staff_only:
        context = {"officer_name": name_shown_to_family(attachment.uploaded_by), "file_name": attachment.name}
        notices.tell_family(case=case, event=event, template="case_file_shared", context=context, link=link)


def attachment_open(*, actor, attachment: Attachment):
    """The stored file, opened for reading. Staff downloads are logged like a case access (DESIGN.md 6)."""
    case_record_access(actor=actor, case=attachment.case, via=f"attachment {attachment.pk}"[:30])
    return evidence_store().open(attachment.stored_as, "rb")


def process_attachment_open(*, actor, attachment: ProcessAttachment):
    """The stored file, opened for reading. Staff downloads are logged, who and when, as a case's are."""
    if is_staff_member(actor):
        ProcessFileDownload.objects.create(attachment=attachment, user=actor)
    return evidence_store().open(attachment.stored_as, "rb")


def safe_name(uploaded_name: str, filetype: filetypes.FileType) -> str:
    """The uploader's file name with any folders, control and special characters taken out, and the
    extension of what the file really is, so a download never lies about its type."""
    base = PureWindowsPath(PurePosixPath(uploaded_name or "").name).name
    base = unicodedata.normalize("NFC", base)
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = " ".join(UNSAFE_IN_NAMES.sub(" ", stem).split()).strip(" .-") or "attachment"
    return f"{stem[:MAX_NAME_LENGTH]}.{filetype.extension}"


@transaction.atomic
def case_file_export_log(
    *, actor, kind: str, version: str, case: Case | None = None, child=None, family=None
) -> CaseFileExport:
    """Write down that someone took a copy of a case file (or of a child's or a family's records): who, when, what."""
    head = CaseChain.objects.filter(case=case).values_list("head", flat=True).first() if case else ""
    return CaseFileExport.objects.create(
        kind=kind, version=version, case=case, child=child, family=family, requested_by=actor, chain_head=head or ""
    )


def _message_of_case(actor, case: Case, message_id: int | None) -> CaseMessage | None:
    if message_id is None:
        return None
    messages = CaseMessage.objects.filter(case=case)
    if not is_staff_member(actor):
        messages = messages.filter(internal=False)
    message = messages.filter(pk=message_id).first()
    if message is None:
        raise ValidationError({"message": ["Choose a message on this case."]})
    return message


def _checked_type(upload) -> filetypes.FileType:
    if not upload.size:
        raise ValidationError({"file": ["The selected file is empty."]})
    limit = settings.CASEFILE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError({"file": [f"The selected file must be smaller than {_size_in_words(limit)}."]})
    filetype = filetypes.detect(upload.file)
    if filetype is None:
        raise ValidationError({"file": [f"The selected file must be {filetypes.ACCEPTED_IN_WORDS}."]})
    return filetype


def max_upload_in_words() -> str:
    return _size_in_words(settings.CASEFILE_MAX_UPLOAD_BYTES)


def _size_in_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def _scan(upload) -> bool:
    if not scanning.scanning_enabled():
        return False
    result = scanning.scan(upload.file)
    if not result.clean:
        logger.warning("Refused an upload: ClamAV found %s", result.found)
        raise ValidationError(
            {"file": ["The selected file contains a virus. It has not been kept. Check the file and try again."]}
        )
    return True


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


# --- checking every case file --------------------------------------------------------

CASES_A_BATCH = 500
# How many problems an administrator's message lists; the command and the log name every one.
BREAKS_IN_A_MESSAGE = 20


@dataclass
class VerificationRun:
    cases: int = 0
    processes: int = 0
    breaks: list[Break] = field(default_factory=list)
    digest: ChainDigest | None = None


def case_files_verify(*, nightly: bool = False, batch_size: int = CASES_A_BATCH) -> VerificationRun:
    """Recompute every case's and every statutory process's hash chain, a batch at a time, and report each
    record that no longer fits.

    The nightly run (`nightly=True`, the beat task) also checks that the seals still match the last finished
    night's digest, seals each intact chain where it now ends, records one digest of every seal, and
    tells the administrators of anything broken through the outbox. Each batch is its own transaction, so a
    run over a million cases holds no lock for long; memory follows the batch, not the number of cases.
    """
    run = VerificationRun()
    if nightly:
        run.breaks.extend(_seals_against_last_digest())
        run.digest = ChainDigest.objects.create()
    for owners, verify, seal in (
        (Case.objects, cases_chain_verify, ChainSeal),
        (Process.objects, processes_chain_verify, ProcessChainSeal),
    ):
        for reports in _in_batches(owners, verify, batch_size):
            if owners.model is Case:
                run.cases += len(reports)
            else:
                run.processes += len(reports)
            for report in reports:
                run.breaks.extend(report.breaks)
            if nightly:
                _seal(seal, [report for report in reports if report.intact and report.length])
    for each in run.breaks:
        logger.error("Case file altered outside the service: %s", each)
    if nightly:
        _finish(run.digest, breaks=len(run.breaks))
        if run.breaks:
            _tell_administrators(run)
    return run


def _in_batches(owners, verify, batch_size: int):
    ids = owners.order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(ids.filter(pk__gt=last)[:batch_size]):
        last = batch[-1]
        yield verify(batch)


@transaction.atomic
def _seal(seal_model, reports) -> None:
    now = timezone.now()
    owner = seal_model._meta.pk.name
    seals = [
        seal_model(**{f"{owner}_id": r.owner_id}, length=r.length, head=r.head, sealed_at=now) for r in reports
    ]
    seal_model.objects.bulk_create(
        seals, update_conflicts=True, unique_fields=[owner], update_fields=["length", "head", "sealed_at"]
    )


def seals_digest() -> tuple[int, int, str]:
    """How many cases and statutory processes are sealed, and a SHA-256 over every seal: "case id:length:head"
    a line in case order, then "process id:length:head" a line in process order. (With no process sealed the
    digest is what it was before processes were chained, so the first night after that change still matches.)"""
    digest = hashlib.sha256()
    counts = []
    for seal_model, prefix in ((ChainSeal, ""), (ProcessChainSeal, "process ")):
        owner = f"{seal_model._meta.pk.name}_id"
        seals = seal_model.objects.order_by(owner).values_list(owner, "length", "head")
        count = 0
        for owner_id, length, head in seals.iterator(chunk_size=5000):
            digest.update(f"{prefix}{owner_id}:{length}:{head}\n".encode("ascii"))
            count += 1
        counts.append(count)
    return counts[0], counts[1], digest.hexdigest()


def _seals_against_last_digest() -> list[Break]:
    """The seals themselves are checked against the digest recorded by the last check: rewriting a chain and
    its seal together still shows. After a check that did not finish, there is nothing to check them against."""
    last = ChainDigest.objects.order_by("-made_at", "-pk").first()
    if last is None:
        return []
    if last.finished_at is None:
        logger.warning("The case file check started %s did not finish: the seals cannot be checked tonight.",
                       describe_moment(last.made_at))
        return []
    if seals_digest() == (last.cases, last.processes, last.digest):
        return []
    when = describe_moment(last.finished_at)
    return [Break(0, "every case", "the nightly seals", "changed", f"they no longer match the digest recorded {when}")]


@transaction.atomic
def _finish(digest: ChainDigest, *, breaks: int) -> None:
    digest.cases, digest.processes, digest.digest = seals_digest()
    digest.breaks = breaks
    digest.finished_at = timezone.now()
    digest.save()
    logger.info("Case files checked: %s cases and %s statutory processes sealed, digest %s, %s problems",
                digest.cases, digest.processes, digest.digest, breaks)


@transaction.atomic
def _tell_administrators(run: VerificationRun) -> None:
    listed = "\n".join(f"- {each}" for each in run.breaks[:BREAKS_IN_A_MESSAGE])
    if len(run.breaks) > BREAKS_IN_A_MESSAGE:
        listed += f"\n- and {len(run.breaks) - BREAKS_IN_A_MESSAGE} more: run the check to see every one."
    context = {
        "break_count": len(run.breaks),
        "case_count": len({each.reference for each in run.breaks}),
        "breaks": listed,
        "checked_at": describe_moment(run.digest.made_at),
    }
    administrators = get_user_model().objects.filter(is_superuser=True, is_active=True)
    notification_enqueue_many(
        tellings=[
            Telling(
                recipient=administrator,
                template="admin_case_files_altered",
                context=context,
                link="/admin/casefile/chaindigest/",
                dedupe_key=f"case-files-altered:{run.digest.pk}",
            )
            for administrator in administrators
        ]
    )

