"""`{% family_contacts child %}`: how to reach each member of a child's family, for the staff case page and the
handover summary. A template tag, so casework's pages show it without casework importing this app."""

from django import template

from ..contact_details import family_contacts_of

register = template.Library()


@register.inclusion_tag("accounts/staff/_family_contacts.html")
def family_contacts(child):
    return {"contacts": family_contacts_of(child), "child": child}
