"""The built-in test provider's own side: its charges, kept where a remote gateway keeps them,
outside our database.

A real gateway's authorization survives our transaction's rollback and our process's death;
so does this one's: each charge lives in its own SQLite file (``state_path``), written through
its own connection in its own committed transaction (WAL: durable once the call returns, shared
by every process of the machine — web workers, task workers, commands). It is never written on
Django's connection, so rolling our work back never undoes a charge.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS charge (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    captured INTEGER NOT NULL DEFAULT 0 CHECK (captured <= amount),
    refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded <= captured),
    card_last4 TEXT NOT NULL,
    decline_code TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS operation (
    idempotency_key TEXT PRIMARY KEY,
    reference TEXT NOT NULL
);
"""
_COLUMNS = "reference, idempotency_key, amount, currency, status, captured, refunded, card_last4, decline_code, created_at"


@dataclass(frozen=True, slots=True)
class Charge:
    reference: str
    idempotency_key: str
    amount: int
    currency: str
    status: str  # authorized / pending / declined / failed / cancelled
    captured: int
    refunded: int
    card_last4: str
    decline_code: str
    created_at: float  # unix time


class GatewayStore:
    """The charges of one test gateway (one SQLite file). One connection per process and thread."""

    _local = threading.local()

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)

    def _connection(self) -> sqlite3.Connection:
        key = (self.path, os.getpid())  # never reuse a connection inherited through fork()
        cache = self._local.__dict__.setdefault("connections", {})
        connection = cache.get(key)
        if connection is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            cache[key] = connection
        return connection

    def _write(self, sql: str, params=()) -> sqlite3.Cursor:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            cursor = connection.execute(sql, params)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return cursor

    def insert_unless_known(self, *, reference: str, idempotency_key: str, amount: int, currency: str, status: str,
                            card_last4: str, decline_code: str) -> Charge:
        """The new charge, or the one already made with this key (never two for one key)."""
        self._write(
            f"INSERT INTO charge ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?)"
            " ON CONFLICT (idempotency_key) DO NOTHING",
            (reference, idempotency_key, amount, currency, status, card_last4, decline_code, time.time()),
        )
        return self.by_key(idempotency_key)

    def by_key(self, idempotency_key: str) -> Charge | None:
        return self._one("idempotency_key = ?", idempotency_key)

    def by_reference(self, reference: str) -> Charge | None:
        return self._one("reference = ?", reference)

    def _one(self, where: str, value: str) -> Charge | None:
        row = self._connection().execute(f"SELECT {_COLUMNS} FROM charge WHERE {where}", (value,)).fetchone()
        return Charge(*row) if row else None

    def charges(self, status: str | None = None) -> list[Charge]:
        sql = f"SELECT {_COLUMNS} FROM charge" + (" WHERE status = ?" if status else "") + " ORDER BY id"
        return [Charge(*row) for row in self._connection().execute(sql, (status,) if status else ())]

    def apply(self, *, reference: str, operation_key: str, change) -> tuple[Charge | None, str]:
        """Run ``change(charge) -> (updates: dict, error_code)`` on a charge in one transaction.
        An operation key already applied returns the charge unchanged (a retried capture or
        refund never moves money twice). Returns (charge after, error code or "")."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(f"SELECT {_COLUMNS} FROM charge WHERE reference = ?", (reference,)).fetchone()
            if row is None:
                connection.execute("ROLLBACK")
                return None, "resource_missing"
            charge = Charge(*row)
            if operation_key and connection.execute(
                "SELECT 1 FROM operation WHERE idempotency_key = ?", (operation_key,)
            ).fetchone():
                connection.execute("ROLLBACK")
                return charge, ""
            updates, error = change(charge)
            if error:
                connection.execute("ROLLBACK")
                return charge, error
            if updates:
                assignments = ", ".join(f"{column} = ?" for column in updates)
                connection.execute(f"UPDATE charge SET {assignments} WHERE reference = ?", (*updates.values(), reference))
            if operation_key:
                connection.execute("INSERT INTO operation (idempotency_key, reference) VALUES (?, ?)", (operation_key, reference))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return self.by_reference(reference), ""

    def clear(self) -> None:
        """Forget every charge (tests)."""
        connection = self._connection()
        connection.execute("DELETE FROM charge")
        connection.execute("DELETE FROM operation")
