"""Families, their children, each child's EHCP and the provision it promises, and what concerns are about."""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .staff import Area, Organisation


class Category(models.Model):
    """A kind of concern. The eleven defaults ship in a migration; admins may edit the wording."""

    slug = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="Plain English, for families choosing what their problem is about.")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Family(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="families")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="families")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="FamilyMember", related_name="families")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name


class FamilyMember(models.Model):
    """A parent or carer who may see and raise concerns for the family's children."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Guardian"
        # A young person aged 16 to 25 acts in their own right (Children and Families Act 2014 s67 and the
        # SEND Code of Practice 8.13): they are a member of their own record, not its parent.
        YOUNG_PERSON = "young_person", "The young person"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_memberships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.PARENT)
    # A carer invited to one child's record (a parent living apart from the child's siblings, say) sees that
    # child only: `permissions.children_of_family_member` and the notices read it.
    children = models.ManyToManyField(
        "Child",
        blank=True,
        related_name="+",
        help_text="Only these children's records. None chosen: every child of the family.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "user"], name="family_member_unique")]


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EHCP(models.Model):
    """An Education, Health and Care Plan. One per child."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="ehcp")
    reference = models.CharField(max_length=50, unique=True)
    issued_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "EHCP"
        verbose_name_plural = "EHCPs"

    def __str__(self):
        return self.reference


class ProvisionItem(models.Model):
    """One line of section F, G or H of a plan: what, how much, how often, by whom, and who answers for it.

    The text fields are the plan's words, kept for the family. The structured amount
    (`sessions` of `minutes` `per` week, term or year) and the dates make the item an
    obligation whose delivery can be counted (the `provision` app). Items from before
    the structure existed keep their text and have it left empty until staff fill it in.
    """

    class Section(models.TextChoices):
        F = "F", "F: special educational provision"
        G = "G", "G: health provision"
        H1 = "H1", "H1: social care provision (Chronically Sick and Disabled Persons Act)"
        H2 = "H2", "H2: other social care provision"

    ehcp = models.ForeignKey(EHCP, on_delete=models.PROTECT, related_name="provision_items")
    section = models.CharField(max_length=2, choices=Section.choices)
    description = models.CharField(max_length=500)
    amount = models.CharField(max_length=100, blank=True, help_text="For example '1 hour'.")
    frequency = models.CharField(max_length=100, blank=True, help_text="For example 'weekly'.")
    provider = models.CharField(max_length=200, blank=True)

    class Per(models.TextChoices):
        WEEK = "week", "a week"
        TERM = "term", "a term"
        YEAR = "year", "a year"

    # The body the law makes answerable (CFA 2014 s42(2) and (3); `provision.duties` says which kind each
    # section needs) and the organisation that delivers it. Empty on items from before they were recorded.
    responsible_body = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="provision_owed"
    )
    provider_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="provision_delivered"
    )
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes each session.")
    per = models.CharField(max_length=4, choices=Per.choices, blank=True)
    term_time_only = models.BooleanField(default=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="provision_item_ends_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(sessions=0), name="provision_item_sessions_not_zero"),
        ]

    @property
    def is_structured(self) -> bool:
        """Whether the plan's amount is recorded in a form delivery can be counted against."""
        return bool(self.sessions and self.per and self.starts_on and self.responsible_body_id)

    def __str__(self):
        return f"{self.section}: {self.description}"
