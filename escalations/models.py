"""SLA data owned by the escalations app.

Due dates are columns computed when a clock starts or moves (DESIGN.md,
invariant 3), so a closure day added later changes the dates computed from
then on, not the ones already stored.
"""

from django.db import models


class ClosureDay(models.Model):
    """A day the council is closed that is not already a weekend or bank holiday.

    The working-day calendar treats it like a bank holiday: it never counts
    towards a deadline.
    """

    date = models.DateField(unique=True, help_text="The whole of this day is not a working day.")
    reason = models.CharField(max_length=200, help_text="For example 'Christmas closure'.")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%A} {self.date.day} {self.date:%B %Y}: {self.reason}"
