"""Model instances read with hand-written SQL, for the few reads on the hottest path where building and
compiling the ORM's query costs several times what PostgreSQL takes to run it.

Logging a concern locks its team's officers with their users and the team's escalation ladder: ten tables
in one statement. Through the ORM that statement took 3.5 ms of Python to build, compile and turn into
objects, against well under 1 ms to run (bench/profile_log_concern.py). Written out once per process from
the models' own fields, it takes a fraction of that, and each row still becomes the models the rest of the
code expects. Use it only where a profile shows the ORM's own cost dominating.
"""

from functools import cached_property

from django.db import connection


class Picked:
    """Some fields of `model` (all, by default), selected from the table under `alias` in a hand-written SELECT.

    `columns` goes into the SELECT list; `instance` makes the model from that part of a row, as the ORM
    would: values through each field's `to_python` (so SQLite's 0 and 1 become booleans, its text dates
    dates), fields not picked deferred, and None when a LEFT JOIN found no row. Only fields whose
    `to_python` reads what either database returns may be picked: not date-times, whose conversion
    depends on the database and the time zone.
    """

    def __init__(self, model, alias: str, names: tuple[str, ...] | None = None):
        self.model, self.alias, self.names = model, alias, names

    @cached_property
    def fields(self) -> list:
        # In the model's own order of columns, which `Model.from_db` expects when some are left out.
        fields = [
            field
            for field in self.model._meta.get_fields()
            if field.concrete and not field.many_to_many and (self.names is None or field.name in self.names)
        ]
        if any(field.get_internal_type() == "DateTimeField" for field in fields):
            raise ValueError(f"Read {self.model._meta.label}'s date-times through the ORM: their conversion "
                             "depends on the database.")
        return fields

    @cached_property
    def width(self) -> int:
        return len(self.fields)

    @cached_property
    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    @cached_property
    def _attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @cached_property
    def _pk_position(self) -> int:
        return self._attnames.index(self.model._meta.pk.attname)

    def instance(self, row, start: int):
        """The model made from `row[start:start + self.width]`; None if its primary key is null."""
        values = row[start : start + self.width]
        if values[self._pk_position] is None:
            return None
        converted = [field.to_python(value) for field, value in zip(self.fields, values, strict=True)]
        return self.model.from_db(connection.alias, self._attnames, converted)


def instances(row, *picks: Picked, start: int = 0) -> list:
    """The model each of `picks` makes from its part of `row`: the parts side by side in that order, from `start`."""
    made = []
    for picked in picks:
        made.append(picked.instance(row, start))
        start += picked.width
    return made


# The user fields read alongside an officer or a family member: who they are, and whether and where to tell
# them. Not their password hash, nor the date-times of their sign-ins.
USER_TOLD = ("id", "username", "first_name", "last_name", "email", "is_active")
