"""The case's files page, for families and staff. Thin: it finds what the signed-in person may see and
calls one service; downloads and case files go through the permission-checked API addresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casefile import selectors, services
from casefile.scanning import ScannerUnavailable
from casefile.verification import case_chain_verify
from casework.labels import name_shown_to
from casework.permissions import is_staff_member
from casework.selectors import case_get_for_user
from casework.services import case_record_access
from core.forms import SERVICE_REFUSALS, add_refusal_to_form
from core.time import UK_TIME

from .forms import AttachmentForm


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
        status = 400
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    actor=request.user,
                    case=case,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    staff_only=form.cleaned_data.get("staff_only", False),
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused)
            except ScannerUnavailable:
                form.add_error("file", "We could not check this file for viruses just now. Try again later.")
                status = 503
            else:
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


def _day(moment) -> str:
    local = moment.astimezone(UK_TIME)
    return f"{local.day} {local:%B %Y}"
