"""Listing cache: version tokens per category and the cache keys of listing results.

The storefront listing (inventory.listing.read.product_listing) caches its facets and its page rows
in Django's cache (``settings.CACHES["default"]``: per-process locmem by default, Redis when
``REDIS_URL`` is set) for ``settings.COMPTOIR_LISTING_CACHE_SECONDS`` (default 300 s). Every key
includes a digest of the ListingVersion values of the categories the result covers (all of
them for a search), read together with the category tree in one query per listing. Writers of
the listing summary and of the search index give the categories they touch new random values
in their own transaction (``versions_bump``), so after a refresh the next read misses the
cache and sees the new data — whatever process served the old page, and whatever cache
backend. The versions read is memoised per process for at most
``COMPTOIR_LISTING_VERSIONS_MAX_AGE`` seconds (default 1 s; the writing process forgets its memo
at once), which spares a warm page its only query. What the TTL alone bounds: a VAT rate edited
in the admin (rates are read on a miss).

A listing also changes with no write at all when a reservation to try or a till basket expires
(its unit comes back): the refresh stores those moments per category (ListingVersion.pending)
and a key names how many of them have passed, so the first read after one misses the cache.
"""
from __future__ import annotations

import bisect
import hashlib
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import Category, ListingVersion

KEY_PREFIX = "catalog-listing"


def cache_seconds() -> int:
    return int(getattr(settings, "COMPTOIR_LISTING_CACHE_SECONDS", 300))


class CategoryTree:
    """The category tree (id -> children, slug -> id), each category's listing version and its
    pending moments, read in one query; ``load()`` is that query."""

    def __init__(self, rows: Iterable[tuple]):
        self.children: dict[int | None, list[int]] = defaultdict(list)
        self.versions: dict[int, int] = {}
        self.pending: dict[int, list[int]] = {}  # category -> sorted epoch microseconds
        self.id_by_slug: dict[str, int] = {}
        for cid, parent, value, slug, *rest in rows:
            self.children[parent].append(cid)
            self.versions[cid] = value
            self.id_by_slug[slug] = cid
            if rest and rest[0]:
                self.pending[cid] = [int(t) for t in rest[0].split(",")]

    @classmethod
    def load(cls) -> CategoryTree:
        """The tree with its versions: from this process's memo when younger than
        ``settings.COMPTOIR_LISTING_VERSIONS_MAX_AGE`` seconds (default 1; 0 = always read),
        else one query. A bump in this process drops the memo at once; a bump in another process
        (another gunicorn worker, a management command) is seen within that age."""
        max_age = float(getattr(settings, "COMPTOIR_LISTING_VERSIONS_MAX_AGE", 1.0))
        now = time.monotonic()
        memo = _memo.get("tree")
        if memo is not None and max_age > 0 and now - memo[0] < max_age and memo[2] == connection.alias:
            return memo[1]
        tree = cls._query()
        _memo["tree"] = (now, tree, connection.alias)
        return tree

    @classmethod
    def _query(cls) -> CategoryTree:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id, c.parent_id, COALESCE(v.value, 0), c.slug, v.pending FROM {Category._meta.db_table} c "
                f"LEFT JOIN {ListingVersion._meta.db_table} v ON v.category_id = c.id"
            )
            return cls(cursor.fetchall())

    def descendants(self, category_id: int) -> list[int]:
        """The category and everything under it, sorted."""
        out: set[int] = set()
        stack = [category_id]
        while stack:
            cid = stack.pop()
            if cid in out:
                continue
            out.add(cid)
            stack.extend(self.children.get(cid, ()))
        return sorted(out)

    def versions_key(self, category_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> str:
        """Digest of the versions of these categories (all categories when None), and of how
        many of their pending moments have passed at `now` (default: the current time)."""
        ids = sorted(self.versions) if category_ids is None else sorted(category_ids)
        at = epoch_us(now or timezone.now())
        raw = ",".join(
            f"{cid}:{self.versions.get(cid, 0)}" + (f"+{bisect.bisect_right(self.pending[cid], at)}" if cid in self.pending else "")
            for cid in ids
        )
        return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch (exact, unlike a float timestamp)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_memo: dict[str, tuple] = {}


def memo_clear() -> None:
    """Forget this process's memo of the category versions (tests; done by versions_bump)."""
    _memo.clear()


def cache_key(kind: str, *parts) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()
    return f"{KEY_PREFIX}:{kind}:{digest}"


def versions_bump(category_ids: Iterable[int], *, pending: Mapping[int, Iterable[datetime]] | None = None) -> None:
    """Give these categories new version values (call inside the writing transaction).
    With `pending`, also set each category's pending moments (a category missing from it has
    none); without, they are left as they are. One upsert; rows are written in id order so
    concurrent writers cannot deadlock."""
    ids = sorted({int(c) for c in category_ids if c is not None})
    if not ids:
        return
    memo_clear()
    rows = [ListingVersion(category_id=cid, value=secrets.randbits(62)) for cid in ids]
    if pending is not None:
        for row in rows:
            row.pending = ",".join(str(t) for t in sorted({epoch_us(m) for m in pending.get(row.category_id, ())}))
    ListingVersion.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["category_id"],
        update_fields=["value", "pending"] if pending is not None else ["value"],
    )


def get(key: str):
    return cache.get(key)


def put(key: str, value) -> None:
    cache.set(key, value, cache_seconds())
