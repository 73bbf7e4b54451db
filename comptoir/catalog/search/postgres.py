"""PostgreSQL backend: tsvector per (product, language) with french/spanish/english configs
over unaccent, GIN index, plainto_tsquery over the folded query words."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from comptoir.catalog.models import CATALOG_LANGUAGES
from comptoir.catalog.text import plain_query

from .base import LANGUAGE_CONFIGS, MAX_MATCHES_PER_LANGUAGE, search_languages

TABLE = "catalog_search_pg"  # created by migration catalog 0003
CANDIDATES = 3 * MAX_MATCHES_PER_LANGUAGE


_CONFIG_CASE = "CASE t.language " + " ".join(
    f"WHEN '{lang}' THEN '{cfg}'::regconfig" for lang, cfg in LANGUAGE_CONFIGS.items()
) + " ELSE 'simple'::regconfig END"

# Document: title (weight A); brand, category + parent category names, description (weight B).
_INSERT_SQL = f"""
INSERT INTO {TABLE} (product_id, language, document)
SELECT t.product_id, t.language,
       setweight(to_tsvector({_CONFIG_CASE}, unaccent(t.title)), 'A') ||
       setweight(to_tsvector({_CONFIG_CASE}, unaccent(
           p.brand || ' ' || COALESCE(c.names ->> t.language, c.names ->> 'en', c.slug) || ' ' ||
           COALESCE(pc.names ->> t.language, pc.names ->> 'en', pc.slug, '') || ' ' || t.description)), 'B')
FROM catalog_producttext t
JOIN catalog_product p ON p.id = t.product_id
JOIN catalog_category c ON c.id = p.category_id
LEFT JOIN catalog_category pc ON pc.id = c.parent_id
WHERE p.is_active AND t.language IN ({", ".join(f"'{lang}'" for lang in CATALOG_LANGUAGES)})
"""


class PostgresBackend:
    def match_sql(self, query: str | None, language: str) -> tuple[str, list] | None:
        words = plain_query(query)
        if not words:
            return None
        parts, params = [], []
        for lang in search_languages(language):
            cfg = LANGUAGE_CONFIGS[lang]
            # The GIN index yields the matches; ranking all of a broad word's (10k+) documents
            # means visiting every heap row, so at most CANDIDATES are read (LIMIT without ORDER
            # BY stops the scan), ranked, and the best MAX_MATCHES_PER_LANGUAGE kept.
            parts.append(
                f"(SELECT c.product_id, -ts_rank(c.document, c.q) AS rank FROM ("
                f"SELECT s.product_id, s.document, q.q FROM {TABLE} s, "
                f"plainto_tsquery('{cfg}'::regconfig, unaccent(%s)) AS q(q) "
                f"WHERE s.language = '{lang}' AND s.document @@ q.q LIMIT {CANDIDATES}) c "
                f"ORDER BY 2, 1 LIMIT {MAX_MATCHES_PER_LANGUAGE})"
            )
            params.append(words)
        union = " UNION ALL ".join(parts)
        return f"SELECT u.product_id AS product_id, MIN(u.rank) AS rank FROM ({union}) u GROUP BY u.product_id", params

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if not ids:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(_INSERT_SQL + " AND t.product_id = ANY(%s)", [ids])

    def reindex_all(self) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(_INSERT_SQL)
            return cursor.rowcount
