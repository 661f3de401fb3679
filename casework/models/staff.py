"""Who works where: councils and their areas, teams, officers, and cover while an officer is away."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A council, or another body that holds SEND duties (for example an ICB) or delivers provision."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "Integrated Care Board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        OUTREACH = "outreach", "Outreach service"
        SCHOOL = "school", "School or college"
        CONTRACTOR = "contractor", "Contractor or other provider"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    director = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations_directed",
        help_text="The director at the top of the escalation ladder (level 3).",
    )
    out_of_hours_phone = models.CharField(
        max_length=40, blank=True, help_text="Shown to families who say a child is in danger now."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.Model):
    """A locality used by routing rules (for example 'North' or 'South')."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="area_unique_name")]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        SEND = "send", "SEND casework"
        TRANSPORT = "transport", "Home to school transport"
        HEALTH = "health", "Health (designated clinical officer)"
        SOCIAL_CARE = "social_care", "Social care"
        ADULTHOOD = "adulthood", "Preparing for adulthood"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEND)
    manager = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_managed",
        help_text="Takes cases when nobody else in the team can, and is escalation level 1.",
    )
    head_of_service = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_headed",
        help_text="Escalation level 2; sees every case of this team.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


class Officer(models.Model):
    """A member of staff. Managers are officers too, so they can hold cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="officers")
    job_title = models.CharField(max_length=200, blank=True)
    is_manager = models.BooleanField(default=False)
    active = models.BooleanField(
        default=True,
        help_text="To take someone off, use 'Offboard': their cases are handed over first.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        indexes = [models.Index(fields=["team", "active"], name="officer_team_active")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.username


class CoverQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Cover running now, by someone still here: a cover officer who left covers nothing."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at, cover_officer__active=True)

    def not_over(self, at=None):
        """Cover running now or still to come, by someone still here: what new cover must not overlap.

        Cover cancelled before it started ends where it starts, so it is never to come.
        """
        at = at or timezone.now()
        return self.filter(ends_at__gt=at, cover_officer__active=True).filter(ends_at__gt=models.F("starts_at"))


class Cover(models.Model):
    """While an officer is away, another officer covers their cases. The named officer stays accountable.

    Cover ends by itself at `ends_at`: nothing has to remember to switch it off. It also ends
    if the covering officer leaves, or when a manager ends it early (`cover_end`); cover ended
    before it started ends where it starts. An officer has one cover at a time (`cover_set`
    refuses overlaps).
    """

    officer = models.ForeignKey("Officer", on_delete=models.PROTECT, related_name="covers")
    cover_officer = models.ForeignKey("Officer", on_delete=models.PROTECT, related_name="covering")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["officer", "ends_at"], name="cover_officer_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="cover_ends_at_or_after_start"
            ),
            models.CheckConstraint(condition=~models.Q(officer=models.F("cover_officer")), name="cover_not_by_self"),
        ]

    @property
    def cancelled(self) -> bool:
        """Ended before it started, so it never ran."""
        return self.ends_at == self.starts_at
