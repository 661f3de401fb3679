"""API tokens are django-rest-knox's now, kept as digests. DRF's old table held each token in clear text: it
goes, and everyone signs in to the API again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_default_retention_schedule"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            sql=["DROP TABLE IF EXISTS authtoken_token", "DELETE FROM django_migrations WHERE app = 'authtoken'"],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
