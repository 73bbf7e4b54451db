"""The sales journal: every receipt and Z report of a store, appended in order, each entry
carrying SHA-256(previous hash + its canonical JSON payload). Changing or deleting an entry
breaks the chain at that entry, which ``journal_verify`` finds (NF525 / Verifactu mechanisms;
certification is out of scope)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import SalesJournalEntry, Store

GENESIS = "0" * 64


def entry_hash(previous_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def journal_append(*, store: Store, kind: str, reference: str, payload: dict, at=None) -> SalesJournalEntry:
    """Append one entry to the store's journal. The store row is locked until the caller's
    transaction commits, so entries of one store get consecutive sequences and each hashes the
    one before; call it last in the transaction (the lock is then held only for the commit)."""
    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).values_list("pk", flat=True).first()
        last = SalesJournalEntry.objects.filter(store=store).order_by("-sequence").values_list("sequence", "hash").first()
        sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = at or timezone.now()
        body = canonical({"store": store.slug, "sequence": sequence, "kind": kind, "reference": reference,
                          "at": at.isoformat(), **payload})
        return SalesJournalEntry.objects.create(
            store=store, sequence=sequence, kind=kind, reference=reference, created_at=at, payload=body,
            previous_hash=previous, hash=entry_hash(previous, body),
        )


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    first_broken: int | None  # the sequence of the first entry that does not match, None when intact
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def journal_verify(*, store: Store) -> ChainCheck:
    """Recompute the chain from the first entry: each entry must follow the previous sequence,
    name the previous hash and hash to what it carries."""
    previous, expected_sequence, count = GENESIS, 1, 0
    rows = SalesJournalEntry.objects.filter(store=store).order_by("sequence").values_list("sequence", "payload", "previous_hash", "hash")
    for sequence, payload, previous_hash, stored in rows.iterator(chunk_size=2000):
        count += 1
        if sequence != expected_sequence:
            return ChainCheck(count, expected_sequence, "missing entry")
        if previous_hash != previous:
            return ChainCheck(count, sequence, "previous hash does not match")
        if entry_hash(previous, payload) != stored:
            return ChainCheck(count, sequence, "content does not match its hash")
        previous, expected_sequence = stored, sequence + 1
    return ChainCheck(count, None)
