"""Telling us about a problem: one question a page (GOV.UK "one thing per page"), answers kept in the
session until the family checks and sends them.
"""

import hashlib
import json

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import SERVICE_REFUSALS, refusal_messages, refusal_status
from core.time import describe_moment
from escalations.selectors import case_sla

from ... import selectors, services
from ...models import Case
from ..access import family_only
from .forms import (
    SOMETHING_ELSE,
    CategoryForm,
    ChildForm,
    DetailsForm,
    ProvisionItemForm,
    SafeguardingForm,
    provision_item_label,
)
from .wording import missed_date_goes_to, risk_told_to

SESSION_KEY = "family_new_concern"
STEPS = ("child", "category", "provision", "safeguarding", "details")
STEP_URLS = {step: f"family-new-concern-{step}" for step in STEPS}
CHECK_URL = "family-new-concern-check"
ANSWERS_CHANGED = (
    "Your answers changed after this page was shown, perhaps in another tab or window. We have not sent your "
    "concern. Check your answers below, then send it."
)


class Journey:
    """Which questions apply to this parent's answers so far, which are answered, and where to go next."""

    def __init__(self, request):
        self.request = request
        self.answers = dict(request.session.get(SESSION_KEY, {}))
        if len(self.children) == 1:
            self.answers["child"] = str(self.children[0].pk)

    @cached_property
    def children(self):
        return list(selectors.children_visible_to(self.request.user))

    @cached_property
    def categories(self):
        return list(selectors.categories_active())

    @property
    def child(self):
        return next((c for c in self.children if str(c.pk) == self.answers.get("child")), None)

    @property
    def category(self):
        return next((c for c in self.categories if c.pk == self.answers.get("category")), None)

    @property
    def provision_items(self):
        ehcp = getattr(self.child, "ehcp", None) if self.child else None
        return list(ehcp.provision_items.all()) if ehcp else []

    @property
    def provision_item(self):
        return next((i for i in self.provision_items if str(i.pk) == self.answers.get("provision")), None)

    def applies(self, step: str) -> bool:
        if step == "child":
            return len(self.children) > 1
        if step == "provision":
            # Only undelivered support is logged against a line of the plan, and only if the plan has lines.
            return self.answers.get("category") == "provision_not_delivered" and bool(self.provision_items)
        return True

    def answered(self, step: str) -> bool:
        value = self.answers.get(step)
        if step == "child":
            return self.child is not None
        if step == "category":
            return self.category is not None
        if step == "provision":
            return value == SOMETHING_ELSE or self.provision_item is not None
        if step == "safeguarding":
            return value in ("yes", "no")
        return bool(self.answers.get("summary")) and bool(self.answers.get("description"))

    def applicable(self) -> list[str]:
        return [step for step in STEPS if self.applies(step)]

    def first_unanswered(self, before: str | None = None) -> str | None:
        for step in self.applicable():
            if step == before:
                return None
            if not self.answered(step):
                return step
        return None

    def url(self, step: str | None, *, change: bool = False) -> str:
        url = reverse(STEP_URLS[step] if step else CHECK_URL)
        return f"{url}?change=1" if change and step else url

    def url_after(self, step: str, *, change: bool) -> str:
        if change:
            # Back from the check page: answer only what the change made necessary, then check again.
            return self.url(self.first_unanswered(), change=True)
        steps = self.applicable()
        later = [s for s in steps if STEPS.index(s) > STEPS.index(step)]
        return self.url(later[0] if later else None)

    def url_before(self, step: str | None, *, change: bool = False) -> str:
        if change:
            return reverse(CHECK_URL)
        steps = self.applicable()
        earlier = [s for s in steps if step is None or STEPS.index(s) < STEPS.index(step)]
        return self.url(earlier[-1]) if earlier else reverse("family-concerns")

    def form(self, step: str, data=None):
        initial = {key: self.answers.get(key) for key in ("child", "category", "safeguarding", "summary", "description")}
        initial["provision_item"] = self.answers.get("provision")
        if step == "child":
            return ChildForm(data, children=self.children, initial=initial)
        if step == "category":
            return CategoryForm(data, categories=self.categories, initial=initial)
        if step == "provision":
            return ProvisionItemForm(data, child=self.child, items=self.provision_items, initial=initial)
        if step == "safeguarding":
            return SafeguardingForm(data, initial=initial)
        return DetailsForm(data, initial=initial)

    def save(self, step: str, cleaned: dict) -> None:
        if step == "details":
            self.answers.update(summary=cleaned["summary"], description=cleaned["description"])
        else:
            value = cleaned["provision_item" if step == "provision" else step]
            if step in ("child", "category") and self.answers.get(step) != value:
                # The support chosen belonged to the old child, or to a kind of problem no longer chosen.
                self.answers.pop("provision", None)
            self.answers[step] = value
        self.request.session[SESSION_KEY] = self.answers

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)

    def fingerprint(self) -> str:
        """A digest of every answer. The check page sends back the one it showed: answers changed since, in
        another tab or window, must be checked again, or a concern could go about another child or without
        the risk the parent said yes to."""
        return hashlib.sha256(json.dumps(self.answers, sort_keys=True).encode()).hexdigest()

    def check_rows(self) -> list[dict]:
        """The check-answers summary list: each answer with a link back to its question."""
        rows = []
        if self.child:
            rows.append({"key": "Child", "value": self.child.display_name, "step": "child",
                         "change": self.applies("child"), "label": "which child"})
        rows.append({"key": "What the problem is about", "value": self.category.name, "step": "category",
                     "change": True, "label": "what the problem is about"})
        if self.applies("provision"):
            item = self.provision_item
            rows.append({"key": "Support in the EHCP", "value": provision_item_label(item) if item else
                         "Something else", "step": "provision", "change": True, "label": "the support in the EHCP"})
        rows.append({"key": "Is a child at risk of harm?", "value": self.answers["safeguarding"].capitalize(),
                     "step": "safeguarding", "change": True, "label": "whether a child is at risk of harm"})
        rows.append({"key": "Short description", "value": self.answers["summary"], "step": "details",
                     "change": True, "label": "the short description"})
        rows.append({"key": "What has happened", "value": self.answers["description"], "step": "details",
                     "change": True, "label": "what has happened", "long": True})
        for row in rows:
            row["href"] = self.url(row["step"], change=True)
        return rows


@family_only
@require_GET
def new_concern_start(request):
    """The start of the journey: a fresh set of answers, then the first question."""
    journey = Journey(request)
    journey.clear()
    if not journey.children:
        return render(request, "casework/family/no_children.html")
    journey = Journey(request)
    return redirect(journey.url(journey.applicable()[0]))


@family_only
@require_http_methods(["GET", "POST"])
def new_concern_question(request, step):
    journey = Journey(request)
    if not journey.children:
        return redirect("family-new-concern")
    change = request.GET.get("change") == "1"
    if not journey.applies(step):
        return redirect(journey.url_after(step, change=change))
    missing = journey.first_unanswered(before=step)
    if missing:
        return redirect(journey.url(missing, change=change))
    form = journey.form(step, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        journey.save(step, form.cleaned_data)
        return redirect(journey.url_after(step, change=change))
    child = journey.child
    context = {
        "step": step,
        "form": form,
        "hints": getattr(form, "hints", None),
        "back_url": journey.url_before(step, change=change),
        "child": child,
        "out_of_hours_phone": child.family.organisation.out_of_hours_phone if child else "",
    }
    return render(request, "casework/family/question.html", context, status=400 if form.errors else 200)


@family_only
@require_http_methods(["GET", "POST"])
def new_concern_check(request):
    journey = Journey(request)
    if not journey.children:
        return redirect("family-new-concern")
    missing = journey.first_unanswered()
    if missing:
        return redirect(journey.url(missing))
    errors, status = [], 200
    if request.method == "POST" and request.POST.get("answers_shown") != journey.fingerprint():
        status = 409
        errors = [{"text": ANSWERS_CHANGED, "href": None}]
    elif request.method == "POST":
        provision = journey.provision_item if journey.applies("provision") else None
        try:
            case = services.case_log(
                actor=request.user,
                child_id=journey.child.pk,
                category_slug=journey.category.pk,
                summary=journey.answers["summary"],
                description=journey.answers["description"],
                provision_item_id=provision.pk if provision else None,
                safeguarding=journey.answers["safeguarding"] == "yes",
            )
        except SERVICE_REFUSALS as refused:
            # The answers stay in the session, so the page shows them again and the parent can send them later.
            status = refusal_status(refused)
            errors = [
                {"text": text, "href": _question_to_change(journey, field)}
                for field, texts in refusal_messages(refused).items()
                for text in texts
            ]
        else:
            journey.clear()
            return redirect("family-concern-sent", pk=case.pk)
    context = {
        "rows": journey.check_rows(),
        "errors": errors,
        "back_url": journey.url_before(None),
        "answers_shown": journey.fingerprint(),
    }
    return render(request, "casework/family/check_answers.html", context, status=status)


def _question_to_change(journey: Journey, field: str | None) -> str | None:
    """The question whose answer a refusal is about; None when it is about no answer, so changing one cannot help."""
    if field is None:
        return None
    steps = {"child": "child", "category": "category", "provision_item": "provision"}
    return journey.url(steps.get(field, "details"), change=True)


@family_only
@require_GET
def concern_sent(request, pk):
    """The confirmation of a concern just sent. Once it has moved on, or its first date has come, the dates
    it promises are history: a bookmark or the back button then lands on the concern's own page."""
    case = selectors.case_get_for_user(request.user, pk)
    sla = case_sla(case)
    if case.status != Case.Status.NEW or sla["acknowledge_due"] <= timezone.now():
        return redirect("family-concern", pk=case.pk)
    cover = selectors.cover_in_force(case.accountable_officer)
    context = {
        "case": case,
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "risk_told_to": risk_told_to(case),
        "missed_date_goes_to": missed_date_goes_to(case),
        "acknowledge_due": describe_moment(sla["acknowledge_due"]),
        "respond_due": describe_moment(sla["respond_due"]),
        "resolve_due": describe_moment(sla["resolve_due"]),
    }
    return render(request, "casework/family/concern_sent.html", context)
