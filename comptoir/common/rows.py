"""rows_insert: INSERT new model instances with a statement compiled once per model and row count.

Why: on the order-placement path (six INSERTs per order) Django's compilation of each INSERT
(``SQLInsertCompiler.as_sql``: quoting, placeholders, per-field checks) cost about a fifth of
the request's CPU, every time for the same statement (bench/checkout.py --via http). Here the
SQL text is built once per (model, number of rows, database) and kept; the values still go
through each field's own ``pre_save`` (auto_now_add, defaults already set at __init__) and
``get_db_prep_save`` (JSON, dates, foreign keys), exactly as ``bulk_create`` prepares them. Like
``bulk_create``: no model signals, no ``save()`` overrides; the primary keys come back from
``RETURNING`` (PostgreSQL, SQLite ≥ 3.35). Use ``bulk_create`` anywhere that is not hot.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

_statements: dict[tuple, tuple[str, list]] = {}


def _statement(model: type[Model], rows: int, connection, unless_conflict: tuple[str, ...] = ()) -> tuple[str, list]:
    key = (model, rows, connection.alias, connection.vendor, unless_conflict)
    found = _statements.get(key)
    if found is None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if f is not meta.pk or not f.db_returning]
        quote = connection.ops.quote_name
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one] * rows)} "
            + (f"ON CONFLICT ({', '.join(quote(c) for c in unless_conflict)}) DO NOTHING " if unless_conflict else "")
            + f"RETURNING {quote(meta.pk.column)}"
        )
        found = _statements[key] = (sql, fields)
    return found


def rows_insert(objs: Sequence[Model], *, using: str | None = None, unless_conflict: tuple[str, ...] = ()) -> bool:
    """INSERT these new instances (one model) in one statement and set their primary keys.

    ``unless_conflict`` (columns of a unique constraint; one row only): ON CONFLICT DO NOTHING,
    and return False instead of raising IntegrityError when that row exists already."""
    if not objs:
        return True
    if unless_conflict and len(objs) != 1:
        raise ValueError("unless_conflict inserts one row")
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    for obj in objs:  # foreign keys from related instances saved after assignment, as bulk_create does
        obj._prepare_related_fields_for_save(operation_name="rows_insert")
    sql, fields = _statement(model, len(objs), connection, tuple(unless_conflict))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids and unless_conflict:
        return False
    pk_name = model._meta.pk.attname
    for obj, pk in zip(objs, ids, strict=True):
        setattr(obj, pk_name, pk)
        obj._state.adding = False
        obj._state.db = alias
    return True


_values_statements: dict[tuple, str] = {}
VALUES_MAX_PARAMS = 30_000  # under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters


def values_insert(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence], *, using: str | None = None) -> int:
    """INSERT plain tuples (database-ready values in `columns` order) into `model`'s table,
    several hundred rows per statement (COPY on PostgreSQL), with no model instance and no per-field preparation.

    Why: rebuilding read models (the listing summary after an import batch) writes tens of
    thousands of rows whose values are computed, not typed in; ``bulk_create`` spent most of its
    time building instances and compiling the INSERT (bench/import.py). The caller passes what
    the database stores (ints, strs, floats, bools; datetimes through
    ``connection.ops.adapt_datetimefield_value``). Returns the number of rows written."""
    if not rows:
        return 0
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        # COPY: psycopg re-parses a long statement's placeholders on every call (no cache past
        # 4 KB of SQL), which cost more than the database's work for a thousand-row INSERT.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    per_statement = max(1, VALUES_MAX_PARAMS // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            key = (model, tuple(columns), len(chunk), alias)
            sql = _values_statements.get(key)
            if sql is None:
                quote = connection.ops.quote_name
                one = "(" + ", ".join(["%s"] * len(columns)) + ")"
                sql = _values_statements[key] = (
                    f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                    f"VALUES {', '.join([one] * len(chunk))}"
                )
            cursor.execute(sql, [value for row in chunk for value in row])
    return len(rows)
