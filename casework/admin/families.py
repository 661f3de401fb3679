"""Families, children and their plans in the admin."""

from django.contrib import admin

from escalations import services as sla

from ..models import EHCP, Case, Child, Family, FamilyMember, ProvisionItem
from .shared import HistoryAdmin


def saved_keeping_the_clock_tally(child_ids: list[int], save) -> None:
    """Save a correction of children's dates of birth, their cases' rows of the clock tally moving with it:
    a child's age on the day a concern was logged decides whether it counts in the transition report."""
    if not child_ids:
        save()
        return
    with sla.tally_moved(Case.objects.filter(child_id__in=child_ids).values_list("pk", flat=True)):
        save()


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "parent or carer"
    verbose_name_plural = "parents and carers"


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "last_name", "date_of_birth"]
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "organisation"]
    list_select_related = ["area", "organisation"]
    list_filter = ["organisation", "area"]
    search_fields = ["name", "memberships__user__username", "memberships__user__last_name"]
    inlines = [FamilyMemberInline, ChildInline]

    def save_formset(self, request, form, formset, change):
        born_again = [
            child.instance.pk
            for child in formset.forms
            if formset.model is Child and child.instance.pk and "date_of_birth" in child.changed_data
        ]
        saved_keeping_the_clock_tally(born_again, lambda: super(FamilyAdmin, self).save_formset(request, form, formset, change))


class EHCPInline(admin.StackedInline):
    model = EHCP
    extra = 0
    max_num = 1
    fields = ["reference", "issued_on"]
    show_change_link = True
    verbose_name = "EHCP"
    verbose_name_plural = "EHCP (open it to see and change the provision)"


@admin.register(Child)
class ChildAdmin(HistoryAdmin):
    list_display = ["name", "date_of_birth", "family", "ehcp_reference"]
    list_select_related = ["family", "ehcp"]
    search_fields = ["first_name", "last_name", "ehcp__reference"]
    autocomplete_fields = ["family"]
    inlines = [EHCPInline]

    def save_model(self, request, obj, form, change):
        born_again = [obj.pk] if change and "date_of_birth" in form.changed_data else []
        saved_keeping_the_clock_tally(born_again, lambda: super(ChildAdmin, self).save_model(request, obj, form, change))

    @admin.display(description="Name", ordering="last_name")
    def name(self, child):
        return child.display_name

    @admin.display(description="EHCP", ordering="ehcp__reference")
    def ehcp_reference(self, child):
        try:
            return child.ehcp.reference
        except EHCP.DoesNotExist:
            return None


class ProvisionItemInline(admin.TabularInline):
    model = ProvisionItem
    extra = 0
    fields = ["section", "description", "amount", "frequency", "provider"]


@admin.register(EHCP)
class EHCPAdmin(HistoryAdmin):
    list_display = ["reference", "child", "issued_on"]
    list_select_related = ["child"]
    search_fields = ["reference", "child__first_name", "child__last_name"]
    autocomplete_fields = ["child"]
    inlines = [ProvisionItemInline]
