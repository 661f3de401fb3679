"""On PostgreSQL, rebuild the sessions table partitioned by month (provision/partitions.py says why).

The table is made again beside the old one, with the same columns, identity, checks, foreign keys and
indexes; the sessions are copied in (each into its month's partition) and the old table dropped. Indexes
and keys are built after the copy, which is faster than keeping them up row by row. Django's model is
unchanged: the only difference it could see, the primary key (id, on), it never asks about. Reversible:
going back rebuilds an ordinary table the same way. On SQLite nothing happens.
"""

from django.db import migrations
from django.utils import timezone

from provision.partitions import DEFAULT_PARTITION, TABLE, delivery_partitions_ensure

OLD = f"{TABLE}_before_rebuild"


def rebuild(cursor, *, partitioned: bool) -> None:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('c', 'f', 'u') ORDER BY contype, conname",
        [TABLE],
    )
    constraints = cursor.fetchall()
    # Indexes of their own, not those that back the primary key or a unique constraint.
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
        [TABLE, TABLE],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(f'SELECT min("on") FROM "{TABLE}"')
    first_day = cursor.fetchone()[0]
    cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{OLD}"')
    cursor.execute(
        f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS INCLUDING IDENTITY)'
        + (' PARTITION BY RANGE ("on")' if partitioned else "")
    )
    if partitioned:
        cursor.execute(f'CREATE TABLE "{DEFAULT_PARTITION}" PARTITION OF "{TABLE}" DEFAULT')
        delivery_partitions_ensure(today=timezone.localdate(), since=first_day)
    cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{OLD}"')
    cursor.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{TABLE}"')
    cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [TABLE, cursor.fetchone()[0]])
    cursor.execute(f'DROP TABLE "{OLD}"')
    # The new identity's sequence was named beside the old one's; it takes the usual name back.
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    cursor.execute(f'ALTER SEQUENCE {cursor.fetchone()[0]} RENAME TO "{TABLE}_id_seq"')
    primary_key = '(id, "on")' if partitioned else "(id)"
    cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY {primary_key}')
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
    for definition in indexes:
        cursor.execute(definition)
    cursor.execute(f'ANALYZE "{TABLE}"')


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            rebuild(cursor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("provision", "0004_retention_finds_what_hangs_off_a_case"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
