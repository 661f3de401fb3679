"""Routing rules: which team takes which kind of concern (DESIGN.md "Routing")."""


from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .families import Category
from .staff import Area, Organisation, Team


class RoutingRule(models.Model):
    """Sends a kind of concern to a team. Rules are tried in order; the first that matches wins.

    An empty condition matches anything, so a last rule with every condition
    empty catches whatever the rules above it do not.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="routing_rules")
    position = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    safeguarding = models.BooleanField(
        null=True, blank=True, help_text="Yes: only safeguarding concerns. No: only others. Empty: either."
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="routing_rules")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "position", "id"]

    def __str__(self):
        return f"#{self.position} → {self.team}"

    def clean(self):
        # A rule sends the organisation's own work to one of its own teams. A case sent to another body's team
        # would belong to a body that cannot reassign it, and that body's staff could not see the whole of it.
        if self.team_id and self.organisation_id and self.team.organisation_id != self.organisation_id:
            raise ValidationError(
                {
                    "team": [
                        f"{self.team.name} belongs to {self.team.organisation.name}. Choose a team of "
                        f"{self.organisation.name}: each body's rules send its work to its own teams."
                    ]
                }
            )
