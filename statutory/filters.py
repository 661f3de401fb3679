"""Query parameters of the process list (API.md `GET /api/statutory/`). A bad value is a 400 naming it."""

import django_filters as filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from casework.permissions import officer_of

from .models import Process
from .selectors import processes_late
from .services import uk_today


def strict_boolean(**kwargs):
    return filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true", **kwargs
    )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class ProcessFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")
    kind = filters.ChoiceFilter(choices=Process.Kind.choices)
    mine = strict_boolean(method="filter_mine", help_text="Officers: the processes you coordinate.")
    late = strict_boolean(method="filter_late", help_text="Only processes with a legal date missed and not yet met.")

    class Meta:
        model = Process
        fields = ["child", "kind", "mine", "late"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        officer = officer_of(self.request.user)
        return queryset.filter(coordinator=officer) if officer else queryset.none()

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_late(self, queryset, name, value):
        late = processes_late(queryset, uk_today())
        return late if value else queryset.exclude(pk__in=late.values("pk"))
