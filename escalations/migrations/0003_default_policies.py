from django.db import migrations

# DESIGN.md "Default policies", with the law or guidance behind each.
# (category slug or None, safeguarding, priority, acknowledge, unit, respond days, resolve days, basis)
POLICIES = [
    (
        None, True, "urgent", 4, "hours", 1, 10,
        "Working Together to Safeguard Children 2023: a referral is decided within 1 working day, "
        "and the LADO is told within 1 working day.",
    ),
    (
        "transport", False, "high", 1, "days", 5, 10,
        "Education Act 1996 s508B: the council must arrange suitable travel; a child may be missing school.",
    ),
    (
        "provision_not_delivered", False, "high", 2, "days", 10, 20,
        "Children and Families Act 2014 s42: the council must secure the special educational provision "
        "in the plan (for health provision, the Integrated Care Board must arrange it).",
    ),
    (
        "no_response", False, "high", 1, "days", 5, 10,
        "The concern is itself an unanswered contact.",
    ),
    (
        None, False, "normal", 2, "days", 10, 20,
        "Local Government and Social Care Ombudsman Complaint Handling Code: acknowledge within 5 working "
        "days, respond within 10 working days of that.",
    ),
]


def add_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("escalations", "SlaPolicy")
    for slug, safeguarding, priority, ack, unit, respond, resolve, basis in POLICIES:
        SlaPolicy.objects.update_or_create(
            category_id=slug,
            safeguarding=safeguarding,
            defaults={
                "priority": priority,
                "acknowledge_within": ack,
                "acknowledge_unit": unit,
                "respond_within": respond,
                "resolve_within": resolve,
                "basis": basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0002_sla_clocks"), ("casework", "0002_default_categories")]

    operations = [migrations.RunPython(add_policies, migrations.RunPython.noop)]
