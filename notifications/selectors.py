"""Reads of the outbox, each scoped to the person asking."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification, NotificationPreference


def notifications_inbox(*, user) -> QuerySet[Notification]:
    """The user's own in-app messages, newest first."""
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP).order_by(
        "-created_at", "-id"
    )


def notifications_unread_count(*, user) -> int:
    return notifications_inbox(user=user).filter(read_at__isnull=True).count()


def notification_inbox_get(*, user, notification_id: int) -> Notification:
    """One message from the user's inbox; someone else's answers 404, as a missing one does."""
    return get_object_or_404(notifications_inbox(user=user), pk=notification_id)


def notification_preferences_get(*, user) -> NotificationPreference:
    """The user's saved preferences, or the defaults (unsaved) if they never chose."""
    return notification_preferences_of(users=[user])[user.pk]


def notification_preferences_of(*, users) -> dict[int, NotificationPreference]:
    """Each user's saved preferences, or the defaults (unsaved) for those who never chose, by user id."""
    # A query rather than `user.notification_preference`, which a caller's user
    # object may hold from before the preferences changed.
    saved = {preference.user_id: preference for preference in NotificationPreference.objects.filter(user__in=users)}
    return {user.pk: saved.get(user.pk) or NotificationPreference(user=user) for user in users}
