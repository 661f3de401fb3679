"""The hash chain that makes a case's record tamper-evident (DESIGN.md invariant 2).

Every chained record (a timeline event, an attachment record, and any later
record that subclasses `ChainLink`) carries a SHA-256 over its own content and
the hash of the record before it on the same case, written in the same
transaction as the record. A record that belongs to something else than a case
names its owner (`chain_owner`): a statutory decision is chained on its
statutory process, whose chain end is `statutory.ProcessChain`. A row changed, removed or inserted outside the
services then no longer fits the chain, and `casefile` finds it.

A record's hash is `sha256(previous_hash + content_digest)`, both as lower-case
hex, so PostgreSQL can work it out in the one statement that moves the case's
chain on (`CaseChain.objects.extend`): a record costs one query more, not two.
"""

import hashlib
import json
from datetime import UTC, date, datetime

from django.db import connection, models

# The hash before a case's first record.
GENESIS = "0" * 64


def content_digest(content: dict) -> str:
    """SHA-256 of a record's content, written as canonical JSON (sorted keys, no spaces) so any
    program that reads the same values gets the same digest."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=json_value)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def linked(previous: str, digest: str) -> str:
    """A record's hash: its content's digest chained to the hash of the record before it."""
    return hashlib.sha256((previous + digest).encode("ascii")).hexdigest()


def json_value(value):
    """A content value as JSON holds it: a moment in UTC, to the microsecond, as the database gives it back."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be hashed")


class ChainLink(models.Model):
    """A record hash-chained on its owner. Subclasses have a foreign key named by `chain_owner` (a case unless
    they say otherwise) and say what their content is."""

    chain_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    chain_prev = models.CharField(max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Shown in a verifier's report, e.g. "timeline event 42".
    chain_label = "record"
    # The foreign key whose chain the record is on.
    chain_owner = "case"
    # What `chain_content` reads beyond the row, loaded once for many records when a chain is checked.
    chain_prefetch: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def chain_content(self) -> dict:
        """Everything the record says, as JSON values. A change to any of it breaks the chain."""
        raise NotImplementedError

    @property
    def chain_owner_id(self) -> int:
        return getattr(self, f"{self.chain_owner}_id")

    def chain_digest(self) -> str:
        return content_digest(
            {"record": self._meta.label_lower, self.chain_owner: self.chain_owner_id, **self.chain_content()}
        )


class ChainEndManager(models.Manager):
    """Moves chains on. The model's primary key is its owner: `case_id` for `CaseChain`, and so on."""

    def extend(self, record: ChainLink) -> None:
        """Link one record, not yet saved, to the end of its owner's chain, in one statement.

        The upsert holds the chain's row until the transaction ends, so records of one owner are
        linked one after the other however many requests write at once.
        """
        digest = record.chain_digest()
        table, key = self.model._meta.db_table, self.model._meta.pk.column
        first_hash = linked(GENESIS, digest)
        sha = _sql_sha256(f"{table}.head || %s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, length, previous, head) VALUES (%s, 1, %s, %s) "
                f"ON CONFLICT ({key}) DO UPDATE SET length = {table}.length + 1, previous = {table}.head, "
                f"head = {sha} RETURNING length, previous, head",
                [record.chain_owner_id, GENESIS, first_hash, digest],
            )
            record.chain_seq, record.chain_prev, record.chain_hash = cursor.fetchone()

    def extend_many(self, records: list[ChainLink]) -> None:
        """Link many records, in order, however many cases they are on: two queries for any number.

        The first statement locks each case's chain (beginning the ones not yet begun) and reads its end;
        the hashes are worked out here; the second statement writes each chain's new end.
        """
        if len(records) <= 1:
            for record in records:
                self.extend(record)
            return
        ends = self._lock_ends(sorted({record.chain_owner_id for record in records}))
        for record in records:
            length, _, head = ends[record.chain_owner_id]
            record.chain_seq, record.chain_prev = length + 1, head
            record.chain_hash = linked(head, record.chain_digest())
            ends[record.chain_owner_id] = (record.chain_seq, record.chain_prev, record.chain_hash)
        self._write_ends(ends)

    def _lock_ends(self, owner_ids: list[int]) -> dict[int, tuple[int, str, str]]:
        # A do-nothing update on conflict still locks the row and returns it as it stands. The rows go in
        # in owner order, so two batches lock shared chains in the same order and never deadlock.
        table, key = self.model._meta.db_table, self.model._meta.pk.column
        rows, params = _insert_rows(
            [("bigint", owner_ids), ("integer", [0] * len(owner_ids)), ("text", [GENESIS] * len(owner_ids)),
             ("text", [GENESIS] * len(owner_ids))]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, length, previous, head) {rows} "
                f"ON CONFLICT ({key}) DO UPDATE SET length = {table}.length RETURNING {key}, length, previous, head",
                params,
            )
            return {owner_id: (length, previous, head) for owner_id, length, previous, head in cursor.fetchall()}

    def _write_ends(self, ends: dict[int, tuple[int, str, str]]) -> None:
        table, key = self.model._meta.db_table, self.model._meta.pk.column
        owners = sorted(ends)
        rows, params = _insert_rows(
            [("bigint", owners), ("integer", [ends[owner][0] for owner in owners]),
             ("text", [ends[owner][1] for owner in owners]), ("text", [ends[owner][2] for owner in owners])]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, length, previous, head) {rows} ON CONFLICT ({key}) "
                "DO UPDATE SET length = EXCLUDED.length, previous = EXCLUDED.previous, head = EXCLUDED.head",
                params,
            )


def _insert_rows(columns: list[tuple[str, list]]) -> tuple[str, list]:
    """Where an INSERT takes its rows from, in the order of the first column, given each column's SQL type
    and values.

    PostgreSQL is sent one array a column: psycopg reads a statement's placeholders out of it in Python, one by
    one, and a batch of 500 chains was 2,000 of them. Elsewhere, a row of placeholders a row.
    """
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{sql_type}[]" for sql_type, _ in columns)
        return f"SELECT * FROM unnest({arrays}) ORDER BY 1", [values for _, values in columns]
    rows = sorted(zip(*(values for _, values in columns), strict=True))
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return "VALUES " + ", ".join([placeholders] * len(rows)), [value for row in rows for value in row]


def _sql_sha256(expression: str) -> str:
    """The database's own SHA-256 of `expression`, as lower-case hex."""
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"
    # Django gives every SQLite connection a SHA256 function (for `django.db.models.functions.SHA256`).
    return f"SHA256({expression})"


class CaseChain(models.Model):
    """The end of one case's chain: how many records it has and the latest one's hash.

    Written only by `CaseChain.objects`, inside the transaction that writes the record.
    """

    case = models.OneToOneField("casework.Case", primary_key=True, on_delete=models.PROTECT, related_name="chain")
    length = models.PositiveIntegerField()
    # The hash before the latest record's: it lets a single record be linked without reading the chain.
    previous = models.CharField(max_length=64, blank=True)
    head = models.CharField(max_length=64)

    objects = ChainEndManager()

    class Meta:
        app_label = "casework"
