"""Each person's messages and notification settings pages."""


from casework import services
from notifications.models import Notification, NotificationPreference
from tests.casework.web.family_pages import CHECK, QUESTIONS, log, named_officer, text_of


def test_the_inbox_lists_messages_newest_first_and_opening_one_marks_it_read(parent, borough):
    first = log(borough.parent1, borough.child1, summary="First")
    services.case_message_add(actor=named_officer(first), case=first, text="We are on it.")
    inbox = Notification.objects.filter(recipient=borough.parent1, channel="in_app").order_by("-created_at", "-id")
    newest, oldest = inbox[0], inbox[len(inbox) - 1]

    page = text_of(parent.get("/inbox/"))
    assert page.index(newest.subject) < page.index(oldest.subject)
    assert "You have 2 unread messages." in page and "Unread" in page

    opened = parent.post(f"/inbox/{oldest.pk}/open/")

    assert opened.url == f"/cases/{first.pk}/"
    oldest.refresh_from_db()
    assert oldest.read_at is not None
    assert "You have 1 unread message." in text_of(parent.get("/inbox/"))

    parent.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=borough.parent1, channel="in_app", read_at__isnull=True).exists()


def test_a_parent_turns_email_off_and_sees_no_digest_question(parent, borough):
    page = text_of(parent.get("/settings/notifications/"))
    assert "Do you want us to email you" in page
    assert "one email each morning" not in page

    response = parent.post("/settings/notifications/", {"email_enabled": "no", "daily_digest": "yes"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=borough.parent1)
    assert (preference.email_enabled, preference.daily_digest) == (False, False)


def test_a_settings_form_with_no_answer_shows_the_error_summary_and_saves_nothing(parent, borough):
    response = parent.post("/settings/notifications/", {})

    assert response.status_code == 400
    assert "govuk-error-summary" in text_of(response)
    assert not NotificationPreference.objects.filter(user=borough.parent1).exists()


def test_an_officer_can_ask_for_the_daily_digest(client, borough):
    officer = borough.north.officers.filter(is_manager=False).first()
    client.force_login(officer.user)

    client.post("/settings/notifications/", {"email_enabled": "yes", "daily_digest": "yes"})

    preference = NotificationPreference.objects.get(user=officer.user)
    assert (preference.email_enabled, preference.daily_digest) == (True, True)


def test_a_parent_with_no_children_linked_is_told_who_to_contact(client, stranger):
    client.force_login(stranger)

    page = text_of(client.get("/concerns/new/"))

    assert "We do not have any children linked to your account" in page
    assert client.get(QUESTIONS["category"]).url == "/concerns/new/"
    assert client.post(CHECK).url == "/concerns/new/"
    assert "You have not told us about any problems yet." in text_of(client.get("/concerns/"))
