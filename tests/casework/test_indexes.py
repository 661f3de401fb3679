from django.db.models import Q

from casework.models import Case


def test_the_open_cases_index_holds_exactly_the_open_states():
    # Meta cannot name Case.OPEN_STATES, so the index spells the states out; a new open state must join it,
    # or the accountability report would stop counting those cases' officers from the index.
    index = next(index for index in Case._meta.indexes if index.name == "case_open_by_officer")
    assert index.condition == Q(status__in=list(Case.OPEN_STATES))
