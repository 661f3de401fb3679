from django.db import migrations

ENDING_EVENTS = ("resolved", "closed")


def end_waits_of_ended_cases(apps, schema_editor):
    """Close each wait on the family that its case ended without closing, at the moment the case ended.

    Until resolving and closing ended the wait, it stayed open; the clocks of a reopened
    case then counted it as running to their own stop, so their working time is worked
    out again.
    """
    Pause = apps.get_model("escalations", "Pause")
    left_open = list(Pause.objects.filter(ended_at__isnull=True).exclude(case__status="awaiting_parent"))
    if not left_open:
        return
    # Imported only when there is something to put right, so a new database never runs today's code here.
    from escalations.services import clock_working_seconds_taken
    from escalations.timescales import PAUSED_KINDS
    from escalations.working_days import WorkingCalendar

    Clock = apps.get_model("escalations", "Clock")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    calendar = WorkingCalendar()
    for pause in left_open:
        ending = (
            CaseEvent.objects.filter(case_id=pause.case_id, kind__in=ENDING_EVENTS, at__gte=pause.started_at)
            .order_by("at", "pk")
            .first()
        )
        if ending is None:
            continue
        pause.ended_at = ending.at
        pause.ended_by_id = ending.actor_id
        pause.working_seconds = calendar.working_seconds_between(pause.started_at, ending.at)
        pause.save(update_fields=["ended_at", "ended_by", "working_seconds"])
        pauses = list(Pause.objects.filter(case_id=pause.case_id).order_by("started_at"))
        for clock in Clock.objects.filter(case_id=pause.case_id, kind__in=PAUSED_KINDS, stopped_at__gt=ending.at):
            clock.working_seconds_taken = clock_working_seconds_taken(
                clock=clock, stopped_at=clock.stopped_at, pauses=pauses, calendar=calendar
            )
            clock.save(update_fields=["working_seconds_taken"])


class Migration(migrations.Migration):

    dependencies = [
        ("casework", "0009_indexes_covered_by_others"),
        ("escalations", "0010_alert_reminder_level_per_date"),
    ]

    operations = [
        migrations.RunPython(end_waits_of_ended_cases, migrations.RunPython.noop),
    ]
