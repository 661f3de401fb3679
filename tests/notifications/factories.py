import factory
from django.conf import settings

from notifications.models import Notification

from .samples import LINK, REFERENCE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")


class NotificationFactory(factory.django.DjangoModelFactory):
    """An email waiting in the outbox, as `notification_enqueue` leaves it."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    channel = Notification.Channel.EMAIL
    template = "case_message"
    subject = f"New message about your case: {REFERENCE}"
    body = factory.LazyFunction(lambda: f"Read it here: {settings.SITE_URL}{LINK}\n")
    link = LINK
    dedupe_key = factory.Sequence(lambda n: f"event-{n}")
    status = Notification.Status.PENDING
