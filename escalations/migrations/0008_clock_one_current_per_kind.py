from django.db import migrations, models


class Migration(migrations.Migration):
    """Its own migration, so the index is built after the backfill has committed."""

    dependencies = [
        ("escalations", "0007_clock_superseded"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="clock",
            constraint=models.UniqueConstraint(
                condition=models.Q(superseded_at__isnull=True),
                fields=("case", "kind"),
                name="clock_one_current_per_kind",
            ),
        ),
    ]
