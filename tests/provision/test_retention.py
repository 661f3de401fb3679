"""Retention removes a child file with everything of provision delivery that hangs off it: sessions (a disputed
one included), the sweep's checks, gaps, support endings and the concerns they raised."""

from datetime import date

from django.db import connection

from accounts.retention import retention_review_approve, retention_review_list
from casework.models import Case, ProvisionItem
from casework.services import case_close
from provision import services
from provision.gaps import provision_gap_sweep
from provision.models import Delivery, DeliveryCheck, ProvisionGap, SupportEnding
from tests.escalations.conftest import at, uk
from tests.factories import UserFactory


def test_a_child_file_goes_with_its_provision_sessions_gaps_and_the_concerns_they_raised(borough, bodies):
    child = borough.child1
    with at(uk(2026, 11, 30, 10)):
        session = services.delivery_record(
            actor=bodies.outreach_worker, item=bodies.teaching, on=date(2026, 11, 23), status="delivered"
        )
        services.delivery_dispute(actor=borough.parent1, delivery=session, text="Nobody came.")
        provision_gap_sweep()
    administrator = UserFactory(is_staff=True, is_superuser=True)
    for case in Case.objects.filter(child=child):
        case_close(actor=administrator, case=case, outcome="Put right")
    assert ProvisionGap.objects.filter(item__ehcp__child=child).exists()
    child.date_of_birth = date(1995, 12, 7)
    child.save()
    administrator = UserFactory(username="records-admin", is_superuser=True, is_staff=True)

    retention_review_approve(review=retention_review_list(today=date(2026, 12, 7)), actor=administrator)

    connection.check_constraints()
    items = ProvisionItem.objects.filter(ehcp__child_id=child.pk)
    assert not items.exists() and not Case.objects.filter(child_id=child.pk).exists()
    for model in (Delivery, DeliveryCheck, ProvisionGap, SupportEnding):
        assert not model.objects.filter(item_id__in=[bodies.therapy.pk, bodies.teaching.pk]).exists(), model
    assert Delivery.objects.filter(item=bodies.other_child_teaching).count() == 0  # the other child had none
    assert ProvisionItem.objects.filter(pk=bodies.other_child_teaching.pk).exists()
