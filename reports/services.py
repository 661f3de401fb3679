"""Changes the reports app makes: publishing a council's open data, or withdrawing it."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.models import Organisation
from casework.permissions import organisations_publishable_by
from escalations.models import OpenDataPublication


@transaction.atomic
def open_data_publish(*, actor, published: bool, organisation_id: int | None = None) -> OpenDataPublication:
    """Publish a council's SLA figures as open data, or withdraw them. Atomic; history records who did it.

    The head of service or the director publishes for their council (the view checks
    `may_publish_open_data`); one who heads teams of more than one council (or a superuser) names it.
    """
    chosen = _organisation_to_publish(actor, organisation_id)
    # The council's row is locked so that two managers publishing at once take turns.
    organisation = Organisation.objects.select_for_update().get(pk=chosen.pk)
    publication = OpenDataPublication.objects.filter(organisation=organisation).first() or OpenDataPublication(
        organisation=organisation
    )
    publication.published = published
    publication.published_by = actor if published else None
    publication.published_at = timezone.now() if published else None
    publication._history_user = actor
    publication._change_reason = "Open data published" if published else "Open data withdrawn"
    publication.save()
    return publication


def _organisation_to_publish(actor, organisation_id: int | None) -> Organisation:
    allowed = organisations_publishable_by(actor)
    if organisation_id is not None:
        organisation = allowed.filter(pk=organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation": ["Choose a council you direct or head a team of."]})
        return organisation
    choices = list(allowed[:2])
    if len(choices) != 1:
        raise ValidationError({"organisation": ["Say which council's figures to publish."]})
    return choices[0]
