"""How this project talks to PostgreSQL, beyond what settings can say."""

from psycopg.types.array import ListBinaryDumper


def send_lists_in_binary(sender, connection, **kwargs) -> None:
    """Send list parameters to PostgreSQL in its binary array format.

    Django writes a bulk insert as one array per column (`UNNEST`). psycopg's
    text format escapes each element of those arrays with regular expressions,
    in Python: a fifth of the SLA sweep's CPU at a million cases went on the
    outbox's message bodies alone (bench/README.md). The binary format copies
    each element as it is. Only the encoding changes: the same values arrive.
    """
    if connection.vendor == "postgresql":
        # The latest dumper registered for a type is the one `%s` uses.
        connection.connection.adapters.register_dumper(list, ListBinaryDumper)
