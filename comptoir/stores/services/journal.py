"""The sales journal: every receipt and Z report of a store, appended in order to the chain of
the till that wrote it, each entry carrying SHA-256(previous hash + its canonical JSON payload).
Changing or deleting an entry breaks its till's chain at that entry, which ``journal_verify``
finds (NF525 / Verifactu mechanisms; certification is out of scope).

One chain per till register (NF525 and Verifactu both allow a chain per register or system):
an append is serialised by the till session's row lock, which every till action holds already,
so sales on different tills of a store never wait for each other. Till 0 is the store-wide
chain written before per-till chains."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from comptoir.common.rows import rows_insert

from ..models import ChainBreak, SalesJournalEntry, Store, TillSession

GENESIS = "0" * 64


def entry_hash(previous_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def journal_append(*, session: TillSession, kind: str, reference: str, payload: dict, at=None) -> SalesJournalEntry:
    """Append one entry to the chain of the session's till. The caller holds the session's row
    lock (``till._lock_session`` or ``till_close``) in its transaction: one session of a till is open
    at a time, so the entries of a till get consecutive sequences and each hashes the one
    before; the unique (store, till, sequence) constraint backs it."""
    store = session.store
    connection = transaction.get_connection()
    with connection.cursor() as cursor:  # written here: it runs on every receipt (bench/store.py)
        cursor.execute(
            f"SELECT sequence, hash FROM {SalesJournalEntry._meta.db_table} WHERE store_id = %s AND till = %s"
            " ORDER BY sequence DESC LIMIT 1", [store.pk, session.till])
        last = cursor.fetchone()
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = at or timezone.now()
    body = canonical({"store": store.slug, "till": session.till, "sequence": sequence, "kind": kind, "reference": reference,
                      "at": at.isoformat(), **payload})
    entry = SalesJournalEntry(
        store=store, till=session.till, sequence=sequence, kind=kind, reference=reference, created_at=at, payload=body,
        previous_hash=previous, hash=entry_hash(previous, body),
    )
    rows_insert([entry])
    return entry


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    chains: int
    first_broken: int | None  # the sequence of the first entry that does not match, None when intact
    broken_till: int | None = None  # the till whose chain is broken
    reason: ChainBreak | None = None  # why it is broken, None when intact

    @property
    def intact(self) -> bool:
        return self.first_broken is None

    @property
    def reason_message(self) -> str:
        """Why the chain is broken, in the active language ("" when intact)."""
        return str(self.reason.label) if self.reason else ""


def journal_verify(*, store: Store) -> ChainCheck:
    """Recompute every till's chain from its first entry: each entry must follow the previous
    sequence of its till, name the previous hash and hash to what it carries. Reports the first
    broken entry (lowest till first)."""
    previous, expected_sequence, count, chains, current = GENESIS, 1, 0, 0, None
    rows = (SalesJournalEntry.objects.filter(store=store).order_by("till", "sequence")
            .values_list("till", "sequence", "payload", "previous_hash", "hash"))
    for till, sequence, payload, previous_hash, stored in rows.iterator(chunk_size=2000):
        if till != current:
            previous, expected_sequence, current, chains = GENESIS, 1, till, chains + 1
        count += 1
        if sequence != expected_sequence:
            return ChainCheck(count, chains, expected_sequence, till, ChainBreak.MISSING_ENTRY)
        if previous_hash != previous:
            return ChainCheck(count, chains, sequence, till, ChainBreak.PREVIOUS_HASH_MISMATCH)
        if entry_hash(previous, payload) != stored:
            return ChainCheck(count, chains, sequence, till, ChainBreak.CONTENT_HASH_MISMATCH)
        previous, expected_sequence = stored, sequence + 1
    return ChainCheck(count, chains, None)
