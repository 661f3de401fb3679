"""The statutory processes in a child's PDF bundle, as the SEND Tribunal needs each one: its steps with their legal
dates and whether each was met, each decision with its named approver, its panel, its reasons and its date, who
was the accountable EHC coordinator at each point, and which of the bundle's evidence was added to it.

The family's copy holds the same decisions and dates as the family's own page (they see every decision, with
its reasons); only the files kept for staff are left out, by the caller's list of evidence.
"""

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from statutory.models import Decision, Process, Step
from statutory.rules import appeal_due
from statutory.selectors import process_coordinators
from statutory.services import uk_today

from . import selectors
from .bundle_layout import INDEXED, SECTION, SMALL, SUBSECTION, Evidence, day, facts, paragraph, table, when
from .exports import Contents, _who


def process_title(process: Process) -> str:
    return f"{process.get_kind_display()}, received {day(process.received_on)}"


def what_a_file_is_about(process: Process, attachment) -> str:
    """Where a file on a process was added, for its evidence page: the process, one of its steps or decisions."""
    where = process_title(process)
    if attachment.step is not None:
        return f"{where}: step \u2018{attachment.step.label}\u2019"
    if attachment.decision is not None:
        return f"{where}: decision \u2018{_decision_title(attachment.decision)}\u2019"
    return where


def process_story(process: Process, contents: Contents, evidence: list[Evidence]) -> list:
    """The process's part of the bundle, from a new page; `evidence` is its files as numbered in the bundle."""
    return [
        paragraph(f"Statutory process: {process_title(process)}", SECTION),
        _about(process),
        *_coordinators(process),
        *_steps(process),
        *_decisions(selectors.process_file_decisions(process), contents, evidence),
        *_files(evidence, contents),
    ]


def _about(process: Process):
    transfer = f"{process.get_transfer_display()}, on {day(process.transfer_on)}" if process.transfer else ""
    return facts([
        ("Child", process.child.display_name),
        ("What", process.get_kind_display()),
        ("Asked for by", process.get_requested_by_display()),
        ("Received", day(process.received_on)),
        ("Plan made or last reviewed", day(process.plan_dated_on)),
        ("Review meeting", day(process.meeting_on)),
        ("Move", transfer),
        ("Where it stands", process.get_status_display()),
        ("Finished", when(process.finished_at)),
        ("EHC coordinator now", process.coordinator.display_name),
    ])


def _coordinators(process: Process) -> list:
    rows = [
        (
            held["officer"].display_name if held["officer"] else "Unknown",
            held["officer"].team.name if held["officer"] and held["officer"].team else "",
            when(held["since"]),
            when(held["until"]) or "Now",
        )
        for held in process_coordinators(process)
    ]
    return [
        paragraph("Who was accountable", INDEXED),
        paragraph("The named EHC coordinator is accountable for every step meeting its legal date."),
        table([("EHC coordinator", "Team", "From", "Until"), *rows], [45 * mm, 45 * mm, None, None]),
    ]


def _steps(process: Process) -> list:
    today = uk_today()
    rows = [
        (
            step.label + (" (the family's time to reply)" if step.family_to_act else ""),
            step.regulation,
            day(step.due_on) or "No date of its own",
            day(step.done_on),
            Step.State(step.state_on(today)).label,
        )
        for step in process.steps.order_by("position", "id")
    ]
    story = [
        paragraph("Steps and legal dates", INDEXED),
        table(
            [("Step", "Law", "Legal date", "Done", "Where it stands"), *rows],
            [55 * mm, 30 * mm, 28 * mm, 28 * mm, None],
        ),
    ]
    exceptions = list(process.exceptions.select_related("step").order_by("starts_on", "id"))
    if exceptions:
        story += [
            paragraph("Time limits set aside", SUBSECTION),
            table(
                [("Step", "Regulation", "From", "Until", "Why"), *[_exception_row(e) for e in exceptions]],
                [40 * mm, 22 * mm, 25 * mm, 25 * mm, None],
            ),
        ]
    return story


def _exception_row(exception) -> tuple:
    until = day(exception.ends_on) or "Not ended"
    if not exception.in_force:
        until += f" (withdrawn {when(exception.withdrawn_at)}: the time limit applies again)"
    return (exception.step.label, exception.regulation, day(exception.starts_on), until, exception.reason)


def _decisions(decisions: list[Decision], contents: Contents, evidence: list[Evidence]) -> list:
    story = [paragraph("Decisions", INDEXED)]
    if not decisions:
        return [*story, paragraph("No decision has been recorded on this process.")]
    superseded_by = {d.supersedes_id: d for d in decisions if d.supersedes_id}
    earlier = {d.pk: d for d in decisions}
    for decision in decisions:
        files = [e.title for e in evidence if e.attachment.decision_id == decision.pk]
        later = superseded_by.get(decision.pk)
        replaced = earlier.get(decision.supersedes_id)
        story.append(KeepTogether([
            paragraph(_decision_title(decision), SUBSECTION),
            facts([
                ("Decided on", day(decision.decided_on)),
                ("Approved by", decision.approved_by.display_name),
                ("Panel", ", ".join(sorted(member.display_name for member in decision.panel.all()))),
                ("Reasons", decision.reasons),
                ("Detail", decision.detail),
                ("Appeal to the SEND Tribunal by", day(appeal_due(decision.decided_on)) if decision.appealable else ""),
                ("Recorded", f"{_who(decision.recorded_by, contents)}, {when(decision.recorded_at)}"),
                ("Replaces", _decision_title(replaced) if replaced else ""),
                ("Replaced by", _decision_title(later) if later else ""),
                ("Files", "; ".join(files)),
            ]),
        ]))
    return story


def _decision_title(decision: Decision) -> str:
    return f"{decision.get_decision_display()}, {day(decision.decided_on)}"


def _files(evidence: list[Evidence], contents: Contents) -> list:
    story = [paragraph("Files", INDEXED)]
    if not evidence:
        return [*story, paragraph("No files were added to this process.")]
    rows = [
        (e.title, e.about, f"{_who(e.attachment.uploaded_by, contents)}, {when(e.attachment.uploaded_at)}")
        for e in evidence
    ]
    return [
        *story,
        paragraph("Each file follows in the evidence, at the end of the bundle.", SMALL),
        table([("File", "Added to", "Added by"), *rows], [55 * mm, 60 * mm, None]),
    ]
