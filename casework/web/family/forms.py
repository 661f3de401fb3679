"""Forms for the families' pages. They check input only; the services decide what may happen.

Error messages follow the GOV.UK Design System: they say what to do, in the words of the question.
"""

from django import forms

from core.forms import YES_NO, radios

from ...models import Category, Child, ProvisionItem

SOMETHING_ELSE = "other"
def _text(label: str, *, max_length: int, required_message: str, too_long_message: str, help_text: str = "",
          textarea: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea if textarea else forms.TextInput,
        error_messages={"required": required_message, "max_length": too_long_message},
    )


# --- "Tell us about a problem", one question a page --------------------------------------


class ChildForm(forms.Form):
    def __init__(self, *args, children: list[Child], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"] = radios(
            "Which child is the problem about?",
            [(str(child.pk), child.display_name) for child in children],
            "Select which child the problem is about",
        )


class CategoryForm(forms.Form):
    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = radios(
            "What is the problem about?",
            [(category.pk, category.name) for category in categories],
            "Select what the problem is about",
        )
        # Shown under each choice, so a parent can tell the choices apart.
        self.hints = {category.pk: category.description for category in categories}


def provision_item_label(item: ProvisionItem) -> str:
    how_much = " ".join(part for part in (item.amount, item.frequency) if part)
    return f"{item.description}: {how_much}" if how_much else item.description


class ProvisionItemForm(forms.Form):
    def __init__(self, *args, child: Child, items: list[ProvisionItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision_item"] = radios(
            f"Which support in {child.first_name}'s EHCP is not happening?",
            [(str(item.pk), provision_item_label(item)) for item in items] + [(SOMETHING_ELSE, "Something else")],
            "Select the support that is not happening, or 'Something else'",
            help_text="Your child's Education, Health and Care Plan (EHCP) lists the support they must get.",
        )
        self.hints = {
            str(item.pk): f"Section {item.get_section_display()}."
            + (f" Provided by {item.provider}." if item.provider else "")
            for item in items
        }
        self.hints[SOMETHING_ELSE] = "Support that is not listed here. You can tell us about it later."


class SafeguardingForm(forms.Form):
    safeguarding = radios(
        "Is a child at risk of harm?",
        YES_NO,
        "Select yes if a child is at risk of harm",
        help_text=(
            "For example, a driver without safety checks, or a child left alone on transport. "
            "If you say yes, a manager is told straight away."
        ),
    )


class DetailsForm(forms.Form):
    summary = _text(
        "Describe the problem in one sentence",
        max_length=200,
        required_message="Enter a short description of the problem",
        too_long_message="The short description must be 200 characters or fewer",
        help_text="For example, 'Speech therapy has not happened since September'. 200 characters or fewer.",
    )
    description = _text(
        "Tell us what has happened",
        max_length=20_000,
        required_message="Tell us what has happened",
        too_long_message="What has happened must be 20,000 characters or fewer",
        help_text="Include dates, who you have spoken to and how it is affecting your child.",
        textarea=True,
    )


# --- one concern ------------------------------------------------------------------


class ReplyForm(forms.Form):
    text = _text(
        "Send a message",
        max_length=20_000,
        required_message="Enter a message",
        too_long_message="Your message must be 20,000 characters or fewer",
        textarea=True,
    )


class ReopenForm(forms.Form):
    reason = _text(
        "Tell us why the problem is not fixed",
        max_length=5_000,
        required_message="Tell us why the problem is not fixed",
        too_long_message="Your reason must be 5,000 characters or fewer",
        textarea=True,
    )


class WithdrawForm(forms.Form):
    reason = _text(
        "Why do you want to withdraw this concern?",
        max_length=5_000,
        required_message="Tell us why you want to withdraw this concern",
        too_long_message="Your reason must be 5,000 characters or fewer",
        textarea=True,
    )


class WasItFixedForm(forms.Form):
    """The answer to "is the problem still fixed?": the button pressed, and what is wrong now if it is not."""

    fixed = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={
            "required": "Say whether the problem is still fixed",
            "invalid_choice": "Say whether the problem is still fixed",
        },
    )
    text = forms.CharField(
        required=False,
        max_length=5_000,
        error_messages={"max_length": "What is wrong now must be 5,000 characters or fewer"},
    )


# --- how you hear from us ------------------------------------------------------------
