from django.db import migrations

# The eleven kinds of concern in DESIGN.md, described the way a parent would put it.
CATEGORIES = [
    (
        "provision_not_delivered",
        "Support in the EHCP is not happening",
        "Something written in your child's Education, Health and Care Plan is not being given, "
        "or not as often as the plan says. For example, speech and language therapy that has stopped.",
    ),
    (
        "process_delay",
        "The EHCP process is late",
        "A needs assessment, an annual review or a change to the plan is taking longer than it should.",
    ),
    (
        "no_response",
        "Nobody has replied to me",
        "You emailed, phoned or wrote to the council and nobody has answered.",
    ),
    (
        "transport",
        "Travel to school or college",
        "A problem with home-to-school transport: it has not turned up, it is unsafe, "
        "or your child cannot get to school because of it.",
    ),
    (
        "transition",
        "Moving on at 16 and into adult services",
        "Support that stopped or changed at 16 or 18, or being passed between children's and adult services.",
    ),
    (
        "placement",
        "School or college place",
        "Your child has no school place, the wrong place, or is waiting for a specialist place.",
    ),
    (
        "inclusion",
        "Being included at school",
        "Your child is being excluded, sent home early, kept on a part-time timetable or left out at school.",
    ),
    (
        "health",
        "Health services",
        "A problem with health support such as therapies, nursing or the health part of the plan.",
    ),
    (
        "social_care",
        "Social care",
        "A problem with social care support such as short breaks, a care package or a social worker.",
    ),
    (
        "panel_decision",
        "A decision by a panel",
        "You disagree with, or were not told about, a decision made by a council panel.",
    ),
    (
        "other",
        "Something else",
        "Anything that does not fit the other choices. Tell us in your own words.",
    ),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("casework", "Category")
    for position, (slug, name, description) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
