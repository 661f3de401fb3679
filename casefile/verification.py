"""Recompute each case's and each statutory process's hash chain and say where it no longer fits (DESIGN.md
invariant 2).

Every chained record holds its position (`chain_seq`), the hash before it (`chain_prev`) and its own
hash (`chain_hash`, over `chain_prev` and its content). So, for each case (or process), oldest first:
- a record whose content no longer gives its hash was **changed**;
- a record whose `chain_prev` is not the hash of the record before it: that one was changed and rehashed;
- a gap in the positions, or a chain end (`CaseChain`) past the last record, means records were **removed**;
- a record with no position, or one sharing a position, was **inserted** outside the services;
- the record at the position the last nightly check sealed (`ChainSeal`) no longer having the sealed hash
  means the chain was **rewritten**, however carefully every link was recomputed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps

from casework.models import Case
from casework.models.chain import GENESIS, CaseChain, ChainLink, linked
from statutory.models import Process, ProcessChain

from .models import ChainSeal, ProcessChainSeal


@dataclass(frozen=True)
class Break:
    # The case's (or the process's) id; `reference` names it for people.
    owner_id: int
    reference: str
    record: str
    problem: str
    detail: str

    def as_dict(self) -> dict:
        return {"record": self.record, "problem": self.problem, "detail": self.detail}

    def __str__(self):
        return f"{self.reference}: {self.record} {self.problem}: {self.detail}"


@dataclass
class ChainReport:
    owner_id: int
    reference: str
    records: int = 0
    head: str = GENESIS
    length: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict:
        breaks = [each.as_dict() for each in self.breaks]
        return {
            "intact": self.intact,
            "records": self.records,
            "head": self.head,
            "broken": breaks[0] if breaks else None,
            "breaks": breaks,
        }


def chained_models(owner: str = "case") -> list[type[ChainLink]]:
    """Every kind of record chained on a case (or on a statutory process): any app's model that subclasses
    `ChainLink` with that owner."""
    return [model for model in apps.get_models() if issubclass(model, ChainLink) and model.chain_owner == owner]


def case_chain_verify(case: Case) -> ChainReport:
    """Recompute one case's chain."""
    return cases_chain_verify([case.pk])[0]


def cases_chain_verify(case_ids: list[int]) -> list[ChainReport]:
    """Recompute the chains of these cases, in a fixed number of queries for the lot."""
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    return _chains_verify("case", case_ids, references, CaseChain, ChainSeal)


def process_chain_verify(process: Process) -> ChainReport:
    """Recompute one statutory process's chain: its decisions and the files on it."""
    return processes_chain_verify([process.pk])[0]


def processes_chain_verify(process_ids: list[int]) -> list[ChainReport]:
    """Recompute the chains of these statutory processes, in a fixed number of queries for the lot."""
    processes = Process.objects.filter(pk__in=process_ids).select_related("child")
    return _chains_verify("process", process_ids, {p.pk: process_name(p) for p in processes}, ProcessChain,
                          ProcessChainSeal)


def process_name(process: Process) -> str:
    """How a verifier's report names a process: the child, what it is, and its number."""
    return f"{process.child.display_name}'s {process.get_kind_display().lower()} (statutory process {process.pk})"


def _chains_verify(owner: str, owner_ids: list[int], references: dict, chain_end, chain_seal) -> list[ChainReport]:
    key = f"{owner}_id"
    ends = {getattr(end, key): end for end in chain_end.objects.filter(**{f"{key}__in": owner_ids})}
    seals = {getattr(seal, key): seal for seal in chain_seal.objects.filter(**{f"{key}__in": owner_ids})}
    records = defaultdict(list)
    for model in chained_models(owner):
        chained = model._default_manager.filter(**{f"{key}__in": owner_ids}).prefetch_related(*model.chain_prefetch)
        for record in chained.order_by():
            records[record.chain_owner_id].append(record)
    return [
        _verify(
            ChainReport(owner_id=owner_id, reference=references.get(owner_id, f"{owner} {owner_id}")),
            records[owner_id],
            ends.get(owner_id),
            seals.get(owner_id),
        )
        for owner_id in owner_ids
    ]


def _verify(report: ChainReport, records: list[ChainLink], end, seal):
    report.records = len(records)
    placed = sorted((r for r in records if r.chain_seq is not None), key=lambda r: (r.chain_seq, r._meta.label, r.pk))
    for record in records:
        if record.chain_seq is None:
            _broken(report, record, "inserted", "it was written outside the service: it has no place in the chain")
    previous, expected, last = GENESIS, 1, None
    for record in placed:
        if record.chain_seq < expected:
            _broken(report, record, "inserted", f"another record already holds place {record.chain_seq}")
            continue
        if record.chain_seq > expected:
            _removed(report, expected, record.chain_seq - 1, f"before {_name(record)}")
        elif last is not None and record.chain_prev != previous:
            _broken(report, last, "changed", f"{_name(record)}, after it, was linked to a different version of it")
        if linked(record.chain_prev, record.chain_digest()) != record.chain_hash:
            _broken(report, record, "changed", "its content no longer matches its hash")
        previous, expected, last = record.chain_hash, record.chain_seq + 1, record
    _check_end(report, end, last)
    _check_seal(report, seal, placed)
    return report


def _check_end(report: ChainReport, end, last: ChainLink | None) -> None:
    last_seq = last.chain_seq if last else 0
    if end is None:
        if last is not None:
            _broken(report, last, "inserted", "its chain was never begun by the service")
        return
    report.length, report.head = end.length, end.head
    if end.length > last_seq:
        _removed(report, last_seq + 1, end.length, "at the end of the chain")
    elif end.length < last_seq:
        _broken(report, last, "inserted", f"the chain ends at place {end.length}, before it")
    elif last is not None and end.head != last.chain_hash:
        _broken(report, last, "changed", "the chain's recorded end has a different hash")


def _check_seal(report: ChainReport, seal, placed: list[ChainLink]) -> None:
    if seal is None:
        return
    at_seal = [record for record in placed if record.chain_seq == seal.length]
    if not at_seal:
        return  # Reported as removed above.
    if all(record.chain_hash != seal.head for record in at_seal):
        when = seal.sealed_at.date().isoformat()
        report.breaks.append(
            Break(
                report.owner_id,
                report.reference,
                f"the first {seal.length} records",
                "rewritten",
                f"the chain no longer ends where the check on {when} sealed it",
            )
        )


def _broken(report: ChainReport, record: ChainLink, problem: str, detail: str) -> None:
    report.breaks.append(Break(report.owner_id, report.reference, _name(record), problem, detail))


def _removed(report: ChainReport, first: int, last: int, where: str) -> None:
    places = f"place {first}" if first == last else f"places {first} to {last}"
    report.breaks.append(
        Break(report.owner_id, report.reference, f"the record at {places}", "removed", f"it is missing, {where}")
    )


def _name(record: ChainLink) -> str:
    return f"{record.chain_label} {record.pk}"
