"""Families, children and their plans in the admin."""

from django.contrib import admin

from ..models import EHCP, Child, Family, FamilyMember, ProvisionItem
from .shared import HistoryAdmin


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
