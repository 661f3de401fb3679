"""A fictional borough to try the service with (`python manage.py seed_demo`).

The London Borough of Wexley is made up, and so is everyone in it. Staff,
families, children, plans and routing rules are reference data, written
directly because administrators keep them in the admin. Every case, though,
is logged and moved only through `casework.services`, by the person who would
really do it, with the clock set back to when it happened, and the SLA sweep
runs as the days go by: the history, timeline, reminders, escalations and
notifications are exactly what the product itself writes.

Everything is fixed or drawn from a seeded random generator, so two runs on
the same day give the same borough. Running it again once the borough exists
changes nothing.
"""
