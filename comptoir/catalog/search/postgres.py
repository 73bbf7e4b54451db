"""PostgreSQL backend: tsvector per (product, language) with each language's configuration
over unaccent, plainto_tsquery over the folded query words.

Table ``catalog_search_pg`` (migrations 0003, 0007, 0008, 0012): ``document`` (title weight A; brand,
category names and description weight B) and ``title_document`` (the title alone), each with a
partial GIN index per language. A full reindex writes the rows language by language, newest
product first, so that a GIN match read without ORDER BY ("first found") is the newest matches
and stops after the LIMIT: see base.MAX_MATCHES for the two tiers.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from comptoir.catalog.models import CATALOG_LANGUAGES
from comptoir.catalog.text import plain_query

from .base import LANGUAGE_CONFIGS, SearchMatches, match_limit, merge_matches, search_languages

TABLE = "catalog_search_pg"  # created by migration catalog 0003

_CONFIG_CASE = "CASE t.language " + " ".join(
    f"WHEN '{lang}' THEN '{cfg}'::regconfig" for lang, cfg in LANGUAGE_CONFIGS.items()
) + " ELSE 'simple'::regconfig END"

# Each title is analysed once: it is the title document and the weight-A part of the document.
_INSERT_SQL = f"""
INSERT INTO {TABLE} (product_id, language, document, title_document)
SELECT d.product_id, d.language, setweight(d.title_document, 'A') || setweight(d.body, 'B'), d.title_document
FROM (
    SELECT t.product_id, t.language,
           to_tsvector({_CONFIG_CASE}, unaccent(t.title)) AS title_document,
           to_tsvector({_CONFIG_CASE}, unaccent(
               p.brand || ' ' || COALESCE(c.names ->> t.language, c.names ->> 'en', c.slug) || ' ' ||
               COALESCE(pc.names ->> t.language, pc.names ->> 'en', pc.slug, '') || ' ' || t.description)) AS body
    FROM catalog_producttext t
    JOIN catalog_product p ON p.id = t.product_id
    JOIN catalog_category c ON c.id = p.category_id
    LEFT JOIN catalog_category pc ON pc.id = c.parent_id
    WHERE p.is_active AND t.language IN ({", ".join(f"'{lang}'" for lang in CATALOG_LANGUAGES)}) {{where}}
) d
ORDER BY d.language, d.product_id DESC
"""
# The sort of a full reindex (≈ 100 MB of tsvectors at bench scale) in memory, not on disk.
_SORT_MEMORY = "SET LOCAL work_mem = '256MB'"


class PostgresBackend:
    def matches(self, query: str | None, language: str, *, limit: int | None = None) -> SearchMatches | None:
        words = plain_query(query)
        if not words:
            return None
        limit = match_limit(limit)
        rows: list[tuple[int, int, float]] = []
        capped = False
        with connection.cursor() as cursor:
            for lang in search_languages(language):
                cfg = LANGUAGE_CONFIGS[lang]
                # tier 1: every word in the title; tier 2: the other matches (see base.MAX_MATCHES).
                # No ORDER BY: the GIN bitmap is read in table order (newest first after a reindex)
                # and the scan stops at the LIMIT; only the rows read are ranked.
                room = limit
                for tier, condition in (
                    (0, "s.title_document @@ q.q"),
                    (1, "s.document @@ q.q AND NOT COALESCE(s.title_document @@ q.q, false)"),
                ):
                    cursor.execute(
                        f"SELECT s.product_id, -ts_rank(s.document, q.q) FROM {TABLE} s, "
                        f"plainto_tsquery('{cfg}'::regconfig, unaccent(%s)) AS q(q) "
                        f"WHERE s.language = '{lang}' AND {condition} LIMIT %s",
                        [words, room + 1],
                    )
                    found = cursor.fetchall()
                    full = len(found) > room
                    rows += [(pid, tier, rank) for pid, rank in found[:room]]
                    room -= len(found[:room])
                    if full:  # more matches than room: the next tier cannot add any
                        capped = True
                        break
        return merge_matches(rows, capped, limit)

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if not ids:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(_INSERT_SQL.format(where="AND t.product_id = ANY(%s)"), [ids])

    def reindex_all(self) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(_SORT_MEMORY)
            cursor.execute(_INSERT_SQL.format(where=""))
            count = cursor.rowcount
            # A bulk insert leaves up to gin_pending_list_limit (4 MB) of entries in each GIN
            # index's pending list, which every search would then scan (≈ 2 ms per query, even
            # for a word that matches nothing) until a vacuum: merge them now.
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
                [TABLE],
            )
            return count

    def maintain(self) -> None:
        """After a full reindex, outside any transaction: VACUUM ANALYZE the table (drops the
        previous rows' dead tuples, which the GIN scans would still visit, and refreshes the
        planner's statistics)."""
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TABLE}")
