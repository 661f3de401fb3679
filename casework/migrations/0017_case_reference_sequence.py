from django.db import migrations


def create_sequence(apps, schema_editor):
    # References come from a sequence on PostgreSQL (casework.services.intake): it starts after the
    # highest number any year's counter gave out, so no reference is given twice.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS casework_case_reference")
    schema_editor.execute(
        "SELECT setval('casework_case_reference', GREATEST(COALESCE(MAX(last_number), 0), 1), MAX(last_number) IS NOT NULL) "
        "FROM casework_casereferencecounter"
    )


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS casework_case_reference")


class Migration(migrations.Migration):
    dependencies = [("casework", "0016_provision_obligations")]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
