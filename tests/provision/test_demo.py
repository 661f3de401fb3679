"""The demo borough's provision: the bodies that deliver it, provider1, a gap that raised a concern, and an item
ending next month."""

from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from rest_framework.test import APIClient

from casework.models import Case, Organisation
from provision.demo import ICB, OUTREACH, TRUST
from provision.models import Delivery, ProvisionGap, SupportEnding
from provision.services import uk_today


class TestDemoProvision(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())

    def as_user(self, username):
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=username))
        return client

    def test_an_icb_a_therapy_service_and_an_outreach_service_are_there(self):
        kinds = dict(Organisation.objects.filter(name__in=[ICB, TRUST, OUTREACH]).values_list("name", "kind"))
        assert kinds == {ICB: "icb", TRUST: "nhs_trust", OUTREACH: "outreach"}

    def test_provider1_sees_only_the_therapy_services_items(self):
        items = self.as_user("provider1").get("/api/provision/").json()["results"]

        assert items and {item["provider"]["name"] for item in items} == {TRUST}
        assert self.as_user("provider1").get("/api/cases/").json()["count"] == 0

    def test_sessions_were_delivered_and_missed_and_a_gap_raised_a_concern(self):
        assert Delivery.objects.filter(status="delivered").exists()
        assert Delivery.objects.filter(status="missed").count() == 2
        gap = ProvisionGap.objects.get()
        assert gap.case.category_id == "provision_not_delivered"
        assert Case.objects.filter(pk=gap.case_id, accountable_officer__active=True).exists()

    def test_one_item_ends_next_month(self):
        ending = SupportEnding.objects.get()
        assert uk_today() < ending.ends_on <= uk_today() + timedelta(days=45)
