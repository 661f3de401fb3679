"""The files pages of a case and of a statutory process, for families and staff. Thin: each finds what the
signed-in person may see and calls one service; downloads and case files go through the permission-checked
API addresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casefile import selectors, services
from casefile.scanning import ScannerUnavailable
from casefile.verification import case_chain_verify, process_chain_verify
from casework.labels import name_shown_to
from casework.permissions import is_staff_member
from casework.selectors import case_get_for_user
from casework.services import case_record_access
from core.forms import SERVICE_REFUSALS, add_refusal_to_form
from core.time import UK_TIME
from statutory.permissions import may_act_on, may_add_file
from statutory.selectors import process_get_for_user

from .forms import AttachmentForm, ProcessAttachmentForm


@login_required
@require_http_methods(["GET", "POST"])
def case_files(request, pk):
    case = case_get_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    form_options = {"staff": staff, "max_size_in_words": services.max_upload_in_words()}
    form = AttachmentForm(**form_options)
    status = 200
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES, **form_options)
        attachment, status = _add_from_form(
            form,
            lambda data: services.attachment_add(
                actor=request.user,
                case=case,
                upload=data["file"],
                description=data["description"],
                staff_only=data.get("staff_only", False),
            ),
        )
        if attachment is not None:
            messages.success(request, f"{attachment.name} has been added.")
            return redirect("case-files", pk=case.pk)
    elif staff:
        case_record_access(actor=request.user, case=case, via="page:files")
    context = {
        "case": case,
        "staff": staff,
        "form": form,
        "attachments": [
            {
                "file": attachment,
                "added_by": name_shown_to(request.user, attachment.uploaded_by),
                "added_on": _day(attachment.uploaded_at),
            }
            for attachment in selectors.attachments_of_case_for(request.user, case)
        ],
        "chain": case_chain_verify(case) if staff else None,
        "back": "staff-case" if staff else "family-concern",
    }
    return render(request, "casefile/files.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def statutory_files(request, pk):
    process = process_get_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    can_act = may_act_on(request.user, process)
    form_options = {
        "staff": can_act,
        "max_size_in_words": services.max_upload_in_words(),
        "about": _what_a_file_can_be_about(process, with_decisions=can_act),
    }
    form = ProcessAttachmentForm(**form_options)
    status = 200
    if request.method == "POST":
        form = ProcessAttachmentForm(request.POST, request.FILES, **form_options)
        attachment, status = _add_from_form(
            form,
            lambda data: services.process_attachment_add(
                actor=request.user,
                process=process,
                upload=data["file"],
                description=data["description"],
                staff_only=data.get("staff_only", False),
                **form.about_ids(),
            ),
        )
        if attachment is not None:
            messages.success(request, f"{attachment.name} has been added.")
            return redirect("statutory-files", pk=process.pk)
    context = {
        "process": process,
        "staff": staff,
        "form": form,
        "can_add": may_add_file(request.user, process),
        "attachments": [
            {
                "file": attachment,
                "about": _about(attachment),
                "added_by": name_shown_to(request.user, attachment.uploaded_by),
                "added_on": _day(attachment.uploaded_at),
            }
            for attachment in selectors.attachments_of_process_for(request.user, process)
        ],
        "chain": process_chain_verify(process) if staff else None,
    }
    return render(request, "casefile/statutory_files.html", context, status=status)


def _add_from_form(form, add):
    """The file the form's service kept and 200, or nothing and the status the refusal answers with."""
    if not form.is_valid():
        return None, 400
    try:
        return add(form.cleaned_data), 200
    except SERVICE_REFUSALS as refused:
        return None, add_refusal_to_form(form, refused)
    except ScannerUnavailable:
        form.add_error("file", "We could not check this file for viruses just now. Try again later.")
        return None, 503


def _what_a_file_can_be_about(process, *, with_decisions: bool) -> list[tuple[str, str]]:
    choices = [("", "The process as a whole")]
    choices += [(f"step:{step.pk}", f"Step: {step.label}") for step in process.steps.all()]
    if with_decisions:
        choices += [
            (f"decision:{d.pk}", f"Decision: {d.get_decision_display()}, {_day_of(d.decided_on)}")
            for d in process.decisions.all()
        ]
    return choices


def _about(attachment) -> str:
    if attachment.step is not None:
        return attachment.step.label
    if attachment.decision is not None:
        return f"{attachment.decision.get_decision_display()}, {_day_of(attachment.decision.decided_on)}"
    return ""


def _day_of(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _day(moment) -> str:
    return _day_of(moment.astimezone(UK_TIME))
