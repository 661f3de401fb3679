"""The families' pages: their concerns, their children, telling us about a problem, one concern.

Thin, as every page is: each finds what the signed-in parent may see through the selectors and
changes things only through the services the API uses. A service's refusal becomes a form error or
a message, never an error page. Staff have their own pages: a staff user who opens a family page is
sent to where staff work (a concern to the staff view of that case, anything else to their start page).

The inbox and notification settings at the end are for everyone, staff included.
"""

import hashlib
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from escalations.models import Alert, ClockKind
from escalations.selectors import case_sla, risk_alert_of
from escalations.services import chase_again_from, chase_recipient, ladder_recipient
from escalations.working_days import describe_moment
from notifications import selectors as inbox_selectors
from notifications import services as inbox_services

from . import selectors, services
from .forms import SERVICE_REFUSALS, add_refusal_to_form, refusal_messages, refusal_status
from .forms_family import (
    SOMETHING_ELSE,
    CategoryForm,
    ChildForm,
    DetailsForm,
    NotificationSettingsForm,
    ProvisionItemForm,
    ReopenForm,
    ReplyForm,
    SafeguardingForm,
    provision_item_label,
)
from .models import Case
from .permissions import is_staff_member, name_shown_to_family

Status = Case.Status

# GOV.UK tag colours for each state of a concern.
STATUS_TAGS = {
    Status.NEW: "govuk-tag--blue",
    Status.ACKNOWLEDGED: "govuk-tag--blue",
    Status.IN_PROGRESS: "govuk-tag--light-blue",
    Status.AWAITING_PARENT: "govuk-tag--yellow",
    Status.RESOLVED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
}
# What each promise means to a family, in their words.
CLOCK_LABELS = {
    ClockKind.ACKNOWLEDGE: "Tell you who is dealing with it",
    ClockKind.RESPOND: "Give you a full reply",
    ClockKind.RESOLVE: "Put things right",
    ClockKind.CHASE: "Answer your chase",
}
CLOCK_STATES = {
    "running": ("Not due yet", "govuk-tag--blue"),
    "met": ("Done on time", "govuk-tag--green"),
    "breached": ("Late", "govuk-tag--red"),
    "paused": ("On hold", "govuk-tag--yellow"),
    "closed": ("Closed", "govuk-tag--grey"),
}


def family_only(view):
    """Signed in, and not staff: staff are sent to their own view of the same thing."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if is_staff_member(request.user):
            if "pk" in kwargs:
                return redirect("case-page", pk=kwargs["pk"])
            return redirect("home")
        return view(request, *args, **kwargs)

    return login_required(page)


def status_tag(case: Case) -> dict:
    return {"text": case.get_status_display(), "colour": STATUS_TAGS.get(case.status, "govuk-tag--grey")}


# --- your concerns and your children ---------------------------------------------------------


@family_only
@require_GET
def concerns(request):
    cases = selectors.cases_visible_to(request.user).order_by("-created_at", "-id")
    rows = [{"case": case, "tag": status_tag(case)} for case in cases]
    return render(request, "casework/family/concerns.html", {"rows": rows})


@family_only
@require_GET
def children(request):
    rows = []
    for child in selectors.children_visible_to(request.user):
        ehcp = getattr(child, "ehcp", None)
        rows.append({"child": child, "ehcp": ehcp, "items": list(ehcp.provision_items.all()) if ehcp else []})
    return render(request, "casework/family/children.html", {"rows": rows})


# --- tell us about a problem: one question a page, answers kept in the session -------------------

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


def _person_and_role(officer, role: str) -> str:
    """Someone who is told of a concern, as the family reads it: "Jo Bloggs, the team manager"."""
    if role == Alert.Role.OFFICER:
        return f"{officer.display_name}, your named officer"
    return f"{officer.display_name}, the {Alert.Role(role).label}"


def _chase_goes_to(case: Case) -> str:
    officer, role = chase_recipient(case)
    described = _person_and_role(officer, role)
    if role == Alert.Role.OFFICER:
        return f"{described}, as no manager is in post for this team at the moment"
    return described


def _missed_date_goes_to(case: Case) -> str:
    """Who hears first if a date is missed, or "" with every manager's post empty: nobody is promised then."""
    manager, role = ladder_recipient(case, 1)
    return _person_and_role(manager, role) if manager else ""


def _risk_told_to(case: Case) -> str:
    if not case.safeguarding:
        return ""
    alert = risk_alert_of(case)
    if alert is None:
        return "your named officer"
    return _person_and_role(alert.recipient, alert.recipient_role)


def _named_officer_and_cover(case: Case, cover) -> str:
    """Who hears what the family sends while the named officer is away: both of them (notices.tell_named_officer)."""
    officer = case.accountable_officer.display_name
    return f"{officer} and {cover.cover_officer.display_name}, who is covering while {officer} is away"


def _message_sent(case: Case, *, restarted: bool) -> str:
    cover = selectors.cover_in_force(case.accountable_officer)
    to = _named_officer_and_cover(case, cover) if cover else case.accountable_officer.display_name
    again = " We have started work on your concern again." if restarted else ""
    return f"Your message has been sent to {to}.{again}"


def _reopened(case: Case) -> str:
    cover = selectors.cover_in_force(case.accountable_officer)
    if cover is None:
        return f"We have reopened your concern. {case.accountable_officer.display_name} will be in touch."
    return f"We have reopened your concern and told {_named_officer_and_cover(case, cover)}."


@family_only
@require_GET
def concern_sent(request, pk):
    """The confirmation of a concern just sent. Once it has moved on, or its first date has come, the dates
    it promises are history: a bookmark or the back button then lands on the concern's own page."""
    case = selectors.case_get_for_user(request.user, pk)
    sla = case_sla(case)
    if case.status != Status.NEW or sla["acknowledge_due"] <= timezone.now():
        return redirect("family-concern", pk=case.pk)
    cover = selectors.cover_in_force(case.accountable_officer)
    context = {
        "case": case,
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "risk_told_to": _risk_told_to(case),
        "missed_date_goes_to": _missed_date_goes_to(case),
        "acknowledge_due": describe_moment(sla["acknowledge_due"]),
        "respond_due": describe_moment(sla["respond_due"]),
        "resolve_due": describe_moment(sla["resolve_due"]),
    }
    return render(request, "casework/family/concern_sent.html", context)


# --- one concern -------------------------------------------------------------------------------


def _stopped_by_closing(case: Case, clock: dict) -> bool:
    # Closing stops every clock still running at that moment (services.case_close). The SLA counts such a clock
    # as kept, but nothing it promised is on record as done: a concern closed unanswered was not "done on time".
    return case.status == Status.CLOSED and clock["met_at"] is not None and clock["met_at"] == case.closed_at


def _clock_rows(case: Case, sla: dict) -> list[dict]:
    now = timezone.now()
    latest = {}
    for clock in sla["clocks"]:
        latest[clock["kind"]] = clock
    rows = []
    for kind, label in CLOCK_LABELS.items():
        clock = latest.get(kind)
        if clock is None:
            continue
        state = "closed" if _stopped_by_closing(case, clock) else clock["state"]
        state_text, colour = CLOCK_STATES[state]
        due = describe_moment(clock["due"])
        # A date still ahead is never "was due": a late date we extended, or one on hold, is due later.
        ahead = clock["due"] > now
        detail = {
            "running": f"By {due}.",
            "met": f"Done by {describe_moment(clock['met_at'])}. It was due by {due}." if clock["met_at"] else "",
            "breached": f"We missed the first date we gave you. We now aim to do this by {due}." if ahead
            else f"This was due by {due}.",
            "paused": f"This {'is' if ahead else 'was'} due by {due}. The date moves later by the time we wait for you.",
            "closed": f"This stopped when we closed your concern at {describe_moment(case.closed_at)}.",
        }[state]
        if clock["extended"]:
            detail += " We gave ourselves more time for this."
        rows.append({"label": label, "state": state_text, "colour": colour, "detail": detail})
    return rows


def _timeline(request, case: Case) -> list[dict]:
    rows = []
    for event in selectors.case_timeline_for(request.user, case):
        if event.actor_id is None:
            who = "SEND Casework"
        elif event.actor_id == request.user.pk:
            who = "You"
        else:
            who = name_shown_to_family(event.actor)
        rows.append({"event": event, "title": event.get_kind_display(), "who": who, "when": describe_moment(event.at)})
    return rows


def _render_concern(request, case: Case, *, reply_form=None, reopen_form=None, status=200):
    sla = case_sla(case)
    cover = selectors.cover_in_force(case.accountable_officer)
    escalation = sla["next_escalation"]
    reopen_until = services.reopen_deadline(case) if case.status == Status.RESOLVED else None
    late = case.is_open and bool(sla["breached"])
    chase_again_at = chase_again_from(case, timezone.now()) if late else None
    failing = next((f for f in (reply_form, reopen_form) if f is not None and f.errors), None)
    context = {
        "case": case,
        "tag": status_tag(case),
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "clock_rows": _clock_rows(case, sla),
        "paused": sla["paused"],
        "escalation": escalation,
        "escalation_at": describe_moment(escalation["at"]) if escalation else "",
        "late": late,
        # A chase too soon after the last is refused, so the button waits until it would be taken.
        "may_chase": late and chase_again_at is None,
        "chase_again_at": describe_moment(chase_again_at),
        "chase_goes_to": _chase_goes_to(case) if late else "",
        "risk_told_to": _risk_told_to(case),
        "timeline": _timeline(request, case),
        "may_reply": case.status != Status.CLOSED,
        "reply_form": reply_form or ReplyForm(),
        "may_reopen": reopen_until is not None and timezone.now() <= reopen_until,
        "reopen_until": describe_moment(reopen_until),
        "reopen_form": reopen_form or ReopenForm(),
        "asked_if_fixed": case.status == Status.RESOLVED and case.follow_up_sent_at is not None,
        # The base template puts "Error:" in the title when `form` has errors.
        "form": failing,
    }
    return render(request, "casework/family/concern.html", context, status=status)


@family_only
@require_GET
def concern(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    return _render_concern(request, case)


@family_only
@require_POST
def concern_reply(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        was_waiting = case.status == Status.AWAITING_PARENT
        try:
            services.case_message_add(actor=request.user, case=case, text=form.cleaned_data["text"])
        except SERVICE_REFUSALS as refused:
            status = add_refusal_to_form(form, refused)
        else:
            messages.success(request, _message_sent(case, restarted=was_waiting))
            return redirect("family-concern", pk=case.pk)
    return _render_concern(request, case, reply_form=form, status=status)


@family_only
@require_POST
def concern_reopen(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    form = ReopenForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except SERVICE_REFUSALS as refused:
            status = add_refusal_to_form(form, refused)
        else:
            messages.success(request, _reopened(case))
            return redirect("family-concern", pk=case.pk)
    return _render_concern(request, case, reopen_form=form, status=status)


@family_only
@require_POST
def concern_chase(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    try:
        services.case_chase(actor=request.user, case=case)
    except SERVICE_REFUSALS as refused:
        for texts in refusal_messages(refused).values():
            for text in texts:
                messages.warning(request, text)
    else:
        messages.success(
            request,
            f"You have chased this concern. We have told {_chase_goes_to(case)}. "
            "They have 2 working days to reply.",
        )
    return redirect("family-concern", pk=case.pk)


# --- messages and settings: for everyone, staff included ------------------------------------------


@login_required
@require_GET
def inbox(request):
    page = Paginator(inbox_selectors.notifications_inbox(user=request.user), 20).get_page(request.GET.get("page"))
    rows = [{"notification": n, "when": describe_moment(n.created_at)} for n in page]
    context = {
        "page": page,
        "rows": rows,
        "unread": inbox_selectors.notifications_unread_count(user=request.user),
    }
    return render(request, "casework/family/inbox.html", context)


@login_required
@require_POST
def inbox_open(request, pk):
    """Opening a message marks it read, then follows its link (only ever to a page of this site)."""
    notification = inbox_selectors.notification_inbox_get(user=request.user, notification_id=pk)
    inbox_services.notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(link)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    marked = inbox_services.notification_mark_all_read(user=request.user)
    messages.success(request, f"{marked} message{'s' if marked != 1 else ''} marked as read.")
    return redirect("inbox")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    staff = is_staff_member(request.user)
    preference = inbox_selectors.notification_preferences_get(user=request.user)
    initial = {
        "email_enabled": "yes" if preference.email_enabled else "no",
        "daily_digest": "yes" if preference.daily_digest else "no",
    }
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        choices = {name: value == "yes" for name, value in form.cleaned_data.items()}
        try:
            inbox_services.notification_preferences_update(user=request.user, **choices)
        except SERVICE_REFUSALS as refused:
            add_refusal_to_form(form, refused)
        else:
            messages.success(request, "Your settings have been saved.")
            return redirect("notification-settings")
    return render(request, "casework/family/notification_settings.html", {"form": form},
                  status=400 if form.errors else 200)
