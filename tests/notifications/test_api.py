from datetime import timedelta

import pytest
import time_machine
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from notifications.models import Notification

from .factories import NotificationFactory, UserFactory

INBOX = "/api/notifications/"


@pytest.fixture
def client_for():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


def in_app(recipient, **fields):
    return NotificationFactory(recipient=recipient, channel=Notification.Channel.IN_APP, status="sent", **fields)


def test_the_inbox_lists_own_in_app_messages_newest_first_with_the_unread_count(family_member, officer, client_for):
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=2)):
        oldest = in_app(family_member, subject="Oldest")
    with time_machine.travel(start - timedelta(hours=1)):
        read = in_app(family_member, subject="Read", read_at=timezone.now())
    newest = in_app(family_member, subject="Newest")
    NotificationFactory(recipient=family_member, channel=Notification.Channel.EMAIL)
    in_app(officer, subject="Someone else's")

    response = client_for(family_member).get(INBOX)

    assert response.status_code == 200
    assert set(response.data) == {"count", "next", "previous", "results", "unread"}
    assert response.data["count"] == 3
    assert response.data["unread"] == 2
    assert [item["id"] for item in response.data["results"]] == [newest.pk, read.pk, oldest.pk]
    item = response.data["results"][0]
    assert set(item) == {"id", "created_at", "subject", "body", "link", "read"}
    assert item["subject"] == "Newest"
    assert item["link"] == "/cases/123/"
    assert item["read"] is False
    assert response.data["results"][1]["read"] is True


def test_the_inbox_is_paginated_and_the_unread_count_covers_every_page(family_member, client_for):
    for _ in range(27):
        in_app(family_member)

    response = client_for(family_member).get(INBOX, {"page": 2})

    assert response.data["count"] == 27
    assert len(response.data["results"]) == 2
    assert response.data["previous"] is not None and response.data["next"] is None
    assert response.data["unread"] == 27


def test_marking_a_message_read_answers_the_message_and_lowers_the_unread_count(family_member, client_for):
    message = in_app(family_member)
    client = client_for(family_member)

    response = client.post(f"{INBOX}{message.pk}/read/")

    assert response.status_code == 200
    assert response.data["id"] == message.pk
    assert response.data["read"] is True
    assert client.get(INBOX).data["unread"] == 0
    first_read_at = Notification.objects.get(pk=message.pk).read_at
    assert client.post(f"{INBOX}{message.pk}/read/").status_code == 200
    assert Notification.objects.get(pk=message.pk).read_at == first_read_at


def test_marking_someone_elses_message_read_answers_404_and_changes_nothing(family_member, officer, client_for):
    theirs = in_app(officer)

    response = client_for(family_member).post(f"{INBOX}{theirs.pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_an_email_row_is_not_in_the_inbox_so_marking_it_read_answers_404(family_member, client_for):
    email = NotificationFactory(recipient=family_member)

    assert client_for(family_member).post(f"{INBOX}{email.pk}/read/").status_code == 404


def test_read_all_marks_only_own_unread_messages(family_member, officer, client_for):
    in_app(family_member)
    in_app(family_member)
    theirs = in_app(officer)

    response = client_for(family_member).post(f"{INBOX}read-all/")

    assert response.status_code == 200
    assert response.data == {"marked_read": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", INBOX),
        ("post", f"{INBOX}1/read/"),
        ("post", f"{INBOX}read-all/"),
        ("get", f"{INBOX}preferences/"),
        ("patch", f"{INBOX}preferences/"),
    ],
)
def test_someone_not_signed_in_gets_401(db, method, url):
    response = getattr(APIClient(), method)(url)

    assert response.status_code == 401


def test_preferences_start_with_email_on_and_no_digest(family_member, client_for):
    response = client_for(family_member).get(f"{INBOX}preferences/")

    assert response.status_code == 200
    assert response.data == {"email_enabled": True, "daily_digest": False, "mobile_number": ""}


def test_preferences_patch_changes_what_it_is_given(family_member, client_for):
    client = client_for(family_member)

    response = client.patch(
        f"{INBOX}preferences/", {"email_enabled": False, "mobile_number": "+44 7700 900 982"}, format="json"
    )

    assert response.status_code == 200
    assert response.data == {"email_enabled": False, "daily_digest": False, "mobile_number": "+447700900982"}
    assert client.get(f"{INBOX}preferences/").data == response.data


def test_preferences_patch_with_bad_values_answers_400_with_field_errors_and_changes_nothing(family_member, client_for):
    client = client_for(family_member)

    response = client.patch(
        f"{INBOX}preferences/",
        {"email_enabled": "perhaps", "daily_digest": [True], "mobile_number": "not a number"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.data) == {"email_enabled", "daily_digest", "mobile_number"}
    assert client.get(f"{INBOX}preferences/").data["email_enabled"] is True


@pytest.mark.parametrize(
    "number", ["07٧٠٠٩٠٠٩٨٢", "07７００９００９８２"],
    ids=["arabic-indic digits", "full-width digits"],
)
def test_a_mobile_number_in_digits_other_than_0_to_9_is_a_400_and_changes_nothing(family_member, client_for, number):
    # Python's \d matches any script's digits; a text message can be sent only to 0-9.
    client = client_for(family_member)

    response = client.patch(f"{INBOX}preferences/", {"mobile_number": number}, format="json")

    assert response.status_code == 400
    assert set(response.data) == {"mobile_number"}
    assert client.get(f"{INBOX}preferences/").data["mobile_number"] == ""


def test_the_openapi_schema_describes_the_inbox_and_its_unread_count():
    generator = SchemaGenerator(patterns=[path("api/", include("notifications.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert {
        "/api/notifications/",
        "/api/notifications/{id}/read/",
        "/api/notifications/read-all/",
        "/api/notifications/preferences/",
    } <= set(schema["paths"])
    inbox = schema["components"]["schemas"]["PaginatedNotificationOutputList"]
    assert "unread" in inbox["required"]
    assert set(schema["paths"]["/api/notifications/preferences/"]) == {"get", "patch"}
    item = schema["components"]["schemas"]["NotificationOutput"]
    assert set(item["properties"]) == {"id", "created_at", "subject", "body", "link", "read"}


def test_a_user_with_no_messages_has_an_empty_inbox(db, client_for):
    response = client_for(UserFactory()).get(INBOX)

    assert response.data == {"count": 0, "next": None, "previous": None, "results": [], "unread": 0}
