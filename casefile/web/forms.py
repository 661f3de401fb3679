"""The forms for adding a file on a case's or a statutory process's files page. Messages follow the GOV.UK file
upload pattern."""

from django import forms

from casefile.filetypes import ACCEPTED_IN_WORDS


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=True,
        error_messages={"required": "Select a file"},
    )
    description = forms.CharField(
        label="What is this file? (optional)",
        help_text="For example, “Speech and language therapy report from school, March 2026”.",
        required=False,
        max_length=500,
        error_messages={"max_length": "Description must be 500 characters or fewer"},
    )
    staff_only = forms.BooleanField(
        label="Staff only: do not show this file to the family",
        help_text="For example, a safeguarding referral or a note about another person.",
        required=False,
    )

    def __init__(self, *args, staff: bool, max_size_in_words: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"It can be {ACCEPTED_IN_WORDS}. It must be smaller than {max_size_in_words}."
        if not staff:
            del self.fields["staff_only"]


class ProcessAttachmentForm(AttachmentForm):
    about = forms.ChoiceField(label="What is this file about?", required=False)

    def __init__(self, *args, about: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = about

    def about_ids(self) -> dict:
        """The step or decision chosen, as the service takes them."""
        kind, _, pk = (self.cleaned_data.get("about") or "").partition(":")
        return {"step_id": int(pk) if kind == "step" else None, "decision_id": int(pk) if kind == "decision" else None}
