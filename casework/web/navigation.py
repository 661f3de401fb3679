"""The service navigation each kind of user sees. Links to pages not yet built are left out."""

from django.urls import NoReverseMatch, reverse

from notifications.selectors import notifications_unread_count

from ..permissions import Role, role_of

MENUS = {
    Role.PARENT: [
        ("family-concerns", "Your concerns"),
        ("family-new-concern", "Tell us about a problem"),
        ("family-children", "Your children"),
        ("statutory-list", "Assessments and reviews"),
        ("provision-items", "Support and sessions"),
        ("inbox", "Messages"),
        ("contact-details", "Your details"),
        ("notification-settings", "Settings"),
    ],
    Role.OFFICER: [
        ("staff-queue", "Your queue"),
        ("staff-team-queue", "Team queue"),
        ("statutory-list", "Statutory dates"),
        ("provision-items", "Provision"),
        ("inbox", "Messages"),
        ("notification-settings", "Settings"),
    ],
    Role.PROVIDER: [
        ("provision-register", "Your register"),
        ("provision-items", "Support you deliver"),
        ("inbox", "Messages"),
        ("notification-settings", "Settings"),
    ],
    Role.MANAGER: [
        ("manager-dashboard", "Dashboard"),
        ("staff-queue", "Your queue"),
        ("staff-team-queue", "Team queue"),
        ("manager-officers", "Officers"),
        ("statutory-list", "Statutory dates"),
        ("inbox", "Messages"),
        ("notification-settings", "Settings"),
    ],
}


def menu_for(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    role = role_of(request.user)
    items = []
    for name, label in MENUS[role]:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        item = {"url": url, "label": label, "current": request.path == url}
        # A family may not look at their messages for weeks; the count on every page says something is waiting.
        if name == "inbox" and role == Role.PARENT:
            item["unread"] = notifications_unread_count(user=request.user)
        items.append(item)
    return items


def navigation(request) -> dict:
    """Template context processor: `navigation` for the base template."""
    return {"navigation": menu_for(request)}


def start_page_for(user) -> str | None:
    """Where each kind of user lands after signing in: the first page of their menu."""
    for name, _label in MENUS[role_of(user)]:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None
