"""Raw bulk writes for the demo loader: COPY on PostgreSQL, one executemany on SQLite.

At bench scale the loader writes ~1.2 million rows (products, texts, pictures, offers, stock
levels); building a model instance per row and compiling Django's bulk INSERTs cost more than
the database's own work. The rows are valid by construction (see seed.py), so they go
straight to the tables, in the caller's transaction, with database-ready values: ints, strs,
bools, JSON text and the datetime from `timestamp()`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def timestamp():
    """Now, as the database stores a DateTimeField (UTC string on SQLite, aware on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def reserve_ids(model: type[Model], n: int) -> list[int]:
    """`n` new primary keys for `model`, ascending. PostgreSQL draws them from the table's
    sequence (safe beside concurrent inserts); SQLite continues after the highest id ever used
    (the caller's write transaction holds the database lock)."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
    return list(range(start + 1, start + 1 + n))


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in `columns` order) into `model`'s table; returns the row count."""
    table = model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["?"] * len(columns))
            cursor.cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})', rows)
    return len(rows)
