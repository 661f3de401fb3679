from django.db import migrations, models
from django.db.models import F, Window
from django.db.models.functions import Lead

BATCH_SIZE = 2000


def mark_superseded_clocks(apps, schema_editor):
    """Each clock followed by a later one of the same kind on its case was superseded when that one started.

    "Later" is the order the reports used before this column: start time, then id.
    """
    Clock = apps.get_model("escalations", "Clock")
    next_start = Window(
        Lead("started_at"), partition_by=[F("case_id"), F("kind")], order_by=[F("started_at").asc(), F("id").asc()]
    )
    superseded = (
        Clock.objects.annotate(next_started_at=next_start)
        .filter(next_started_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "next_started_at")
    )
    batch = []
    for pk, next_started_at in superseded.iterator(chunk_size=BATCH_SIZE):
        batch.append(Clock(pk=pk, superseded_at=next_started_at))
        if len(batch) == BATCH_SIZE:
            Clock.objects.bulk_update(batch, ["superseded_at"])
            batch = []
    # Clocks have no history table, so a bulk update skips nothing.
    Clock.objects.bulk_update(batch, ["superseded_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("escalations", "0006_clock_working_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="superseded_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a clock of the same kind started again on the case. Empty for the case's current clock.",
                null=True,
            ),
        ),
        migrations.RunPython(mark_superseded_clocks, migrations.RunPython.noop),
    ]
