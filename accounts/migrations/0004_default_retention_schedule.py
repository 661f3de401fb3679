"""The default retention schedule, each period with its source. Administrators can edit it (admin: Retention rules)."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "kind": "child_file",
        "years": 31,
        "after": "date_of_birth",
        "source": (
            "Information and Records Management Society (IRMS) toolkit, special educational needs files (EHC plans, "
            "reviews and advice): date of birth + 31 years. An EHC plan can last to age 25 (Children and Families "
            "Act 2014, s46), and a claim can be brought 6 years after that (Limitation Act 1980, s2 and s5)."
        ),
    },
    {
        "kind": "invitation",
        "years": 1,
        "after": "ended",
        "source": (
            "The council's own decision: an invitation is of no use once accepted, withdrawn or expired; a year "
            "lets staff answer a family's question about who was invited and when."
        ),
    },
]


def add_rules(apps, schema_editor):
    RetentionRule = apps.get_model("accounts", "RetentionRule")
    for rule in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(kind=rule["kind"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_retention")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
