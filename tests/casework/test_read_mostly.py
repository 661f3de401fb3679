"""What every concern reads and an administrator rarely changes comes from the cache (core.read_mostly),
and a change reaches the very next concern."""

from datetime import date

from redis.exceptions import RedisError

from casework.models import Category, RoutingRule
from escalations.models import ClosureDay, SlaPolicy
from tests.escalations.conftest import log_case, uk

MONDAY = uk(2026, 11, 23, 10)


def acknowledge_due(case):
    return case.clocks.get(kind="acknowledge").due_at


def test_a_policy_changed_in_the_admin_sets_the_next_concerns_dates(borough):
    first = log_case(borough, when=MONDAY, category="other")
    policy = SlaPolicy.objects.get(category__isnull=True, safeguarding=False)
    policy.acknowledge_within += 3
    policy.save()

    second = log_case(borough, when=MONDAY, category="other")

    assert acknowledge_due(second) == uk(2026, 11, 30, 17) and acknowledge_due(first) == uk(2026, 11, 25, 17)


def test_a_closure_day_added_moves_the_next_concerns_dates(borough):
    first = log_case(borough, when=MONDAY, category="other")
    ClosureDay.objects.create(date=date(2026, 11, 24), reason="Council closed for training")

    second = log_case(borough, when=MONDAY, category="other")

    assert acknowledge_due(first) == uk(2026, 11, 25, 17) and acknowledge_due(second) == uk(2026, 11, 26, 17)


def test_a_routing_rule_added_sends_the_next_concern_to_its_team(borough):
    log_case(borough, when=MONDAY, category="other")
    RoutingRule.objects.create(organisation=borough.organisation, position=0, category_id="other", team=borough.transport)

    case = log_case(borough, when=MONDAY, category="other")

    assert case.team == borough.transport


def test_a_kind_of_concern_switched_off_is_refused_at_once(borough, api):
    log_case(borough, when=MONDAY, category="other")
    category = Category.objects.get(pk="other")
    category.active = False
    category.save()

    api.force_authenticate(borough.parent1)
    response = api.post("/api/cases/", {"child": borough.child1.pk, "category": "other", "summary": "Bus",
                                        "description": "No bus"}, format="json")

    assert response.status_code == 400 and "category" in response.json()


class CacheDown:
    def __getattr__(self, name):
        def fails(*args, **kwargs):
            raise RedisError("Connection refused")

        return fails


def test_with_the_cache_down_a_concern_is_still_logged_and_a_change_still_saved(borough, monkeypatch):
    monkeypatch.setattr("core.read_mostly.cache", CacheDown())

    case = log_case(borough, when=MONDAY, category="other")
    ClosureDay.objects.create(date=date(2026, 11, 24), reason="Council closed for training")

    assert acknowledge_due(case) == uk(2026, 11, 25, 17)
