"""The case file as a ZIP: the record as JSON, the original files, and a manifest that proves both.

The ZIP is written as it is sent, a chunk at a time (bounded memory however long the case): rows are read
from the database a chunk at a time and each file is copied from the evidence store in pieces. The
manifest, written last, gives every file's SHA-256 and where each case's hash chain ended, and each
record in the JSON carries its place in the chain, so `verify_case_files --export` can show that
nothing in the copy was changed and that the database still holds the same records.
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from casework.labels import name_shown_to_family
from casework.models import Case, CaseEvent, Family
from casework.models.chain import GENESIS, CaseChain, content_digest, json_value, linked
from casework.selectors import case_owners
from statutory.models import Decision, Process, ProcessChain
from statutory.services import uk_today

from . import selectors
from .models import Attachment, CaseFileExport, StoredFile
from .storage import evidence_store
from .verification import chained_models, process_name

Version = CaseFileExport.Version
COPY_CHUNK = 64 * 1024
# Already compressed: deflating them again costs time for nothing.
STORED_TYPES = ("application/pdf", "image/", "application/vnd.openxmlformats")


@dataclass(frozen=True)
class Contents:
    """What one version of a case file holds."""

    version: str
    with_internal: bool
    with_staff_only: bool
    family_view: bool

    @property
    def marks_internal_for_review(self) -> bool:
        return self.version == Version.SUBJECT_ACCESS

    @property
    def complete_chain(self) -> bool:
        return self.with_internal and self.with_staff_only


CONTENTS = {
    Version.FAMILY: Contents(Version.FAMILY, with_internal=False, with_staff_only=False, family_view=True),
    Version.FULL: Contents(Version.FULL, with_internal=True, with_staff_only=True, family_view=False),
    Version.SUBJECT_ACCESS: Contents(Version.SUBJECT_ACCESS, with_internal=True, with_staff_only=True, family_view=False),
}


# --- writing ---------------------------------------------------------------------------------


def case_zip_chunks(*, case: Case, contents: Contents, made_by) -> Iterator[bytes]:
    """One case's file as a ZIP, as bytes to send one after the other."""
    return _cases_zip_chunks(cases=[case], contents=contents, made_by=made_by, folders=False)


def child_zip_chunks(
    *, child, cases: list[Case], processes: list[Process], contents: Contents, made_by
) -> Iterator[bytes]:
    """Every case and statutory process of a child that the taker may see, each case in a folder named by its
    reference and each process in `statutory/<id>-<kind>/`: its steps, its decisions (who approved them, when,
    why, and who sat on the panel) and its files."""
    return _cases_zip_chunks(
        cases=cases, processes=processes, contents=contents, made_by=made_by, folders=True,
        extra={"child": child.display_name},
    )


def subject_access_zip_chunks(*, family: Family, made_by) -> Iterator[bytes]:
    """Everything held about a family, for a subject access request (UK GDPR article 15): what is held about
    the family and its children, then every case of every child in a folder named by its reference, with
    internal notes and staff-only files marked `review_before_disclosure`."""
    family_part = ("family.json", [_json_bytes(selectors.family_record(family))], True)
    return _cases_zip_chunks(
        cases=list(selectors.cases_of_family(family)),
        processes=list(selectors.processes_of_family(family)),
        contents=CONTENTS[Version.SUBJECT_ACCESS],
        made_by=made_by,
        folders=True,
        first_parts=[family_part],
        extra={"family": family.name, "before_disclosure": REVIEW_BEFORE_DISCLOSURE},
    )


# Why a person reviews a subject access export before it goes to the family.
REVIEW_BEFORE_DISCLOSURE = (
    "Every item marked review_before_disclosure is an internal note or a file kept for staff only. Before "
    "disclosure, check each for information about other people (UK GDPR article 15(4); Data Protection Act "
    "2018, schedule 2, paragraph 16) and for health, social work or education data whose disclosure could "
    "cause serious harm (schedule 3). The response is due within one month of the request (article 12(3))."
)


def _cases_zip_chunks(
    *, cases, contents, made_by, folders: bool, processes=(), first_parts=(), extra=None
) -> Iterator[bytes]:
    made_at = timezone.now()
    case_entries, process_entries = [], []
    parts = list(first_parts)
    for case in cases:
        prefix = f"{case.reference}/" if folders else ""
        case_entries.append({"id": case.pk, "reference": case.reference, "folder": prefix, "chain": _end(CaseChain, case)})
        parts.extend(_case_parts(case, prefix, contents))
    for process in processes:
        prefix = f"statutory/{process.pk}-{process.kind}/"
        process_entries.append(
            {"id": process.pk, "reference": process_name(process), "folder": prefix, "chain": _end(ProcessChain, process)}
        )
        parts.extend(_process_parts(process, prefix, contents))
    if process_entries:
        extra = {**(extra or {}), "statutory_processes": process_entries}
    manifest = {
        "what": "SEND Casework case file",
        "version": contents.version,
        "complete_chain": contents.complete_chain,
        "made_at": made_at,
        "made_by": made_by.get_full_name() or made_by.username,
        "cases": case_entries,
        **(extra or {}),
    }
    if not folders:
        manifest["chain"] = case_entries[0]["chain"]
    return _zip_chunks(parts, manifest)


def _case_parts(case: Case, prefix: str, contents: Contents) -> list[tuple[str, Iterable[bytes], bool]]:
    attachments = selectors.case_file_attachments(case, with_staff_only=contents.with_staff_only)
    parts = [
        (f"{prefix}case.json", [_json_bytes(_case_json(case, contents))], True),
        (f"{prefix}timeline.json", _json_list(_event_json(e, contents) for e in _events(case, contents)), True),
        (f"{prefix}messages.json", _json_list(_message_json(m, contents) for m in _messages(case, contents)), True),
        (f"{prefix}attachments.json", [_json_bytes([_attachment_json(a, contents) for a in attachments])], True),
    ]
    return parts + _file_parts(prefix, attachments)


def _process_parts(process: Process, prefix: str, contents: Contents) -> list[tuple[str, Iterable[bytes], bool]]:
    attachments = selectors.process_file_attachments(process, with_staff_only=contents.with_staff_only)
    decisions = selectors.process_file_decisions(process)
    parts = [
        (f"{prefix}process.json", [_json_bytes(_process_json(process))], True),
        (f"{prefix}decisions.json", [_json_bytes([_decision_json(d) for d in decisions])], True),
        (f"{prefix}attachments.json", [_json_bytes([_attachment_json(a, contents) for a in attachments])], True),
    ]
    return parts + _file_parts(prefix, attachments)


def _file_parts(prefix: str, attachments: list[StoredFile]) -> list[tuple[str, Iterable[bytes], bool]]:
    return [
        (f"{prefix}{attachment_path(a)}", _stored_chunks(a), not a.content_type.startswith(STORED_TYPES))
        for a in attachments
    ]


def _end(chain_end, owner) -> dict:
    """Where the owner's chain ended as the copy was made."""
    return chain_end.objects.filter(pk=owner.pk).values("length", "head").first() or {"length": 0, "head": GENESIS}


def attachment_path(attachment: StoredFile) -> str:
    return f"attachments/{attachment.pk}-{attachment.name}"


def _events(case, contents):
    return selectors.case_file_events(case, with_internal=contents.with_internal)


def _messages(case, contents):
    return selectors.case_file_messages(case, with_internal=contents.with_internal)


def _stored_chunks(attachment: StoredFile) -> Iterator[bytes]:
    with evidence_store().open(attachment.stored_as, "rb") as stored:
        while chunk := stored.read(COPY_CHUNK):
            yield chunk


class _Pipe(io.RawIOBase):
    """Where the ZIP writes; what it wrote is taken away after each step, so nothing piles up."""

    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_chunks(parts, manifest: dict) -> Iterator[bytes]:
    pipe = _Pipe()
    files = []
    with zipfile.ZipFile(pipe, "w") as archive:
        for path, chunks, compress in parts:
            info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            digest, size = hashlib.sha256(), 0
            with archive.open(info, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    yield pipe.drain()
            files.append({"path": path, "sha256": digest.hexdigest(), "size": size})
            yield pipe.drain()
        archive.writestr("manifest.json", _json_bytes({**manifest, "files": files}), zipfile.ZIP_DEFLATED)
    yield pipe.drain()


def _json_bytes(value) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, default=json_value).encode("utf-8")


def _json_list(items: Iterable[dict]) -> Iterator[bytes]:
    """A JSON list written an item at a time."""
    yield b"["
    for index, item in enumerate(items):
        yield (b",\n" if index else b"\n") + _json_bytes(item)
    yield b"\n]\n"


def _who(user, contents: Contents) -> str:
    if user is None:
        return "SEND Casework (automatic)"
    if contents.family_view:
        return name_shown_to_family(user)
    return user.get_full_name() or user.username


def _case_json(case: Case, contents: Contents) -> dict:
    return {
        "id": case.pk,
        "reference": case.reference,
        "child": case.child.display_name,
        "category": case.category.name,
        "summary": case.summary,
        "description": case.description,
        "status": case.get_status_display(),
        "priority": case.get_priority_display(),
        "safeguarding": case.safeguarding,
        "logged_at": case.created_at,
        "acknowledged_at": case.acknowledged_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "outcome": case.outcome,
        "accountable": accountable_officers(case),
    }


def accountable_officers(case: Case) -> list[dict]:
    """Who was the named officer, and when: each from the moment they took the case until the next."""
    return [
        {
            "officer": owner["officer"].display_name if owner["officer"] else "Unknown",
            "team": owner["officer"].team.name if owner["officer"] and owner["officer"].team else "",
            "from": owner["since"],
            "until": owner["until"],
        }
        for owner in case_owners(case)
    ]


def _event_json(event: CaseEvent, contents: Contents) -> dict:
    item = {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "what": event.get_kind_display(),
        "by": _who(event.actor, contents),
        "text": event.text,
        "internal": event.internal,
    }
    if contents.marks_internal_for_review and event.internal:
        item["review_before_disclosure"] = True
    item["chain"] = _chain_json(event)
    return item


def _message_json(message, contents: Contents) -> dict:
    item = {
        "id": message.pk,
        "at": message.created_at,
        "by": _who(message.author, contents),
        "text": message.text,
        "internal": message.internal,
    }
    if contents.marks_internal_for_review and message.internal:
        item["review_before_disclosure"] = True
    return item


def _process_json(process: Process) -> dict:
    today = uk_today()
    return {
        "id": process.pk,
        "what": process.get_kind_display(),
        "child": process.child.display_name,
        "status": process.get_status_display(),
        "received_on": process.received_on,
        "coordinator": process.coordinator.display_name,
        "finished_at": process.finished_at,
        "steps": [
            {
                "step": step.label,
                "regulation": step.regulation,
                "due_on": step.due_on,
                "done_on": step.done_on,
                "state": step.State(step.state_on(today)).label,
            }
            for step in process.steps.order_by("position", "id")
        ],
    }


def _decision_json(decision: Decision) -> dict:
    """A decision as the Tribunal needs it: what, when, why, who approved it and who sat on the panel."""
    return {
        "id": decision.pk,
        "decision": decision.get_decision_display(),
        "detail": decision.detail,
        "decided_on": decision.decided_on,
        "reasons": decision.reasons,
        "approved_by": decision.approved_by.display_name,
        "panel": [member.display_name for member in decision.panel.all()],
        "supersedes": decision.supersedes_id,
        "recorded_at": decision.recorded_at,
        "chain": _chain_json(decision),
    }


def _attachment_json(attachment: StoredFile, contents: Contents) -> dict:
    item = {
        "id": attachment.pk,
        **_what_it_is_about(attachment),
        "file": attachment_path(attachment),
        "name": attachment.name,
        "description": attachment.description,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_by": _who(attachment.uploaded_by, contents),
        "uploaded_at": attachment.uploaded_at,
        "staff_only": attachment.staff_only,
    }
    if contents.marks_internal_for_review and attachment.staff_only:
        item["review_before_disclosure"] = True
    item["chain"] = _chain_json(attachment)
    return item


def _what_it_is_about(attachment: StoredFile) -> dict:
    if isinstance(attachment, Attachment):
        return {}
    return {"step": attachment.step.label if attachment.step else None, "decision": attachment.decision_id}


def _chain_json(record) -> dict:
    return {
        "record": record._meta.label_lower,
        "seq": record.chain_seq,
        "prev": record.chain_prev,
        "hash": record.chain_hash,
        "content": record.chain_content(),
    }


# --- checking --------------------------------------------------------------------------------


@dataclass
class ExportCheck:
    files: int = 0
    records: int = 0
    head: str = ""
    problems: list[str] = field(default_factory=list)


def export_check(stream) -> ExportCheck:
    """Check a case file ZIP: each file against the manifest, each record against its own hash, the chain
    (when the copy holds all of it) from the first record to the head, and the records against the database."""
    result = ExportCheck()
    try:
        archive = zipfile.ZipFile(stream)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        result.problems.append(f"This is not a case file ZIP with a manifest: {error}")
        return result
    with archive:
        _check_files(archive, manifest, result)
        chains = [("case", entry) for entry in manifest.get("cases", [])]
        chains += [("process", entry) for entry in manifest.get("statutory_processes", [])]
        for owner, entry in chains:
            records = _records_in(archive, entry["folder"])
            result.records += len(records)
            result.head = entry["chain"]["head"]
            _check_records(owner, entry, records, manifest.get("complete_chain", False), result)
            _check_against_database(owner, entry, records, result)
    return result


def _check_files(archive: zipfile.ZipFile, manifest: dict, result: ExportCheck) -> None:
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    present = set(archive.namelist()) - {"manifest.json"}
    result.files = len(present)
    for path in sorted(present - listed.keys()):
        result.problems.append(f"{path}: in the ZIP but not in the manifest (added after it was made)")
    for path in sorted(listed.keys() - present):
        result.problems.append(f"{path}: in the manifest but missing from the ZIP")
    for path in sorted(present & listed.keys()):
        digest = hashlib.sha256()
        with archive.open(path) as entry:
            while chunk := entry.read(COPY_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != listed[path]["sha256"]:
            result.problems.append(f"{path}: changed since the file was made (its SHA-256 differs from the manifest)")


def _records_in(archive: zipfile.ZipFile, folder: str) -> list[dict]:
    records = []
    for name in ("timeline.json", "decisions.json", "attachments.json"):
        try:
            records.extend(item["chain"] for item in json.loads(archive.read(folder + name)))
        except (KeyError, ValueError):
            continue
    return sorted(records, key=lambda record: record["seq"] or 0)


def _check_records(owner: str, entry: dict, records: list[dict], complete: bool, result: ExportCheck) -> None:
    reference = entry["reference"]
    for record in records:
        digest = content_digest({"record": record["record"], owner: entry["id"], **record["content"]})
        if linked(record["prev"], digest) != record["hash"]:
            result.problems.append(f"{reference}: {_named(record)} in the copy does not match its hash")
    if not complete:
        return
    previous = GENESIS
    for place, record in enumerate(records, start=1):
        if record["seq"] != place or record["prev"] != previous:
            result.problems.append(f"{reference}: the chain in the copy breaks at place {place}")
            return
        previous = record["hash"]
    if previous != entry["chain"]["head"] or len(records) != entry["chain"]["length"]:
        result.problems.append(f"{reference}: the copy's records do not end at the chain's head in the manifest")


def _check_against_database(owner: str, entry: dict, records: list[dict], result: ExportCheck) -> None:
    """The database still holds each record as copied, and its chain still passes through the copy's head."""
    reference = entry["reference"]
    if owner == "case" and not Case.objects.filter(pk=entry["id"], reference=reference).exists():
        result.problems.append(f"{reference}: no such case in this database")
        return
    if owner == "process" and not Process.objects.filter(pk=entry["id"]).exists():
        result.problems.append(f"{reference}: no such statutory process in this database")
        return
    models = {model._meta.label_lower: model for model in chained_models(owner)}
    of_owner = {f"{owner}_id": entry["id"]}
    held = {
        label: dict(models[label]._default_manager.filter(**of_owner).values_list("chain_seq", "chain_hash"))
        for label in {record["record"] for record in records}
        if label in models
    }
    for record in records:
        if held.get(record["record"], {}).get(record["seq"]) != record["hash"]:
            result.problems.append(f"{reference}: {_named(record)} differs from the database's record now")
    length, head = entry["chain"]["length"], entry["chain"]["head"]
    if length and not any(
        model._default_manager.filter(**of_owner, chain_seq=length, chain_hash=head).exists()
        for model in models.values()
    ):
        result.problems.append(f"{reference}: the database's records no longer pass through the copy's chain head")


def _named(record: dict) -> str:
    return f"the record at place {record['seq']}"

