"""Query parameters of the case list (API.md `GET /api/cases/`). A bad value is a 400 with field errors."""

import django_filters as filters
from django import forms
from django.db.models import F
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from escalations.selectors import cases_breached

from ..models import Case, Category
from ..permissions import officer_of
from ..selectors import owners_seen_by

ORDERINGS = {
    "due": (F("next_due_at").asc(nulls_last=True), "created_at", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


def strict_boolean(**kwargs):
    """`true` or `false` only: anything else is a 400 naming the parameter, not silently ignored."""
    return filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true", **kwargs
    )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number. NumberFilter reads a decimal, and the database would cut 2.5 down to 2."""

    field_class = forms.IntegerField


class CaseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=[("open", "Open")] + Case.Status.choices, method="filter_status")
    category = filters.ModelChoiceFilter(queryset=Category.objects.all())
    officer = IdFilter(field_name="accountable_officer_id")
    team = IdFilter(field_name="team_id")
    mine = strict_boolean(method="filter_mine", help_text="Officers: the cases you are named on, and those you are covering.")
    breached = strict_boolean(method="filter_breached", help_text="Only cases where a promised date has passed.")
    ordering = filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_ordering",
        help_text="`due` (next due first; the default for staff), `created` or `-created` (the default for families).",
    )

    class Meta:
        model = Case
        fields = ["status", "category", "officer", "team", "mine", "breached", "ordering"]

    def get_form_class(self):
        # No filter's form field depends on who asks, so the form's class is built once: django-filter
        # builds it, and a field for each filter, on every request. Each form still copies its fields.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=Case.OPEN_STATES)
        return queryset.filter(status=value)

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_mine(self, queryset, name, value):
        officer = officer_of(self.request.user)
        if not value:
            return queryset
        if officer is None:
            return queryset.none()
        return queryset.filter(accountable_officer_id__in=owners_seen_by(officer))

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_breached(self, queryset, name, value):
        breached = cases_breached(queryset)
        return breached if value else queryset.exclude(pk__in=breached.values("pk"))

    def filter_ordering(self, queryset, name, value):
        # Applied by the view, which knows each role's default.
        return queryset


class FilterBackendAskedFor(DjangoFilterBackend):
    """django-filter's backend, which leaves a list as it is when none of its filters is in the query: a form
    of empty fields filters nothing, and building and checking it was a twentieth of a family's list."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(name in request.query_params for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def ordering_for(request) -> tuple:
    requested = request.query_params.get("ordering")
    if requested in ORDERINGS:
        return ORDERINGS[requested]
    return ORDERINGS["due"] if officer_of(request.user) or request.user.is_superuser else ORDERINGS["-created"]
