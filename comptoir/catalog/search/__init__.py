"""Catalogue full-text search: one interface, two backends chosen by ``connection.vendor``.

* SQLite (the embedded default): one FTS5 virtual table per catalogue language
  (``catalog_search_fr``, ``catalog_search_es``, ``catalog_search_en``; rowid = product id)
  holding pre-folded, pre-stemmed text (comptoir.catalog.text). The query goes through the
  same analysis and every token is quoted, so FTS5 syntax in user input is inert.
* PostgreSQL: table ``catalog_search_pg`` (product_id, language, tsvector) with a GIN index;
  documents built with the french / spanish / english configurations over ``unaccent``;
  queries with ``plainto_tsquery`` over the folded words.

A buyer searching in language L matches the L documents and the English ones (the title
falls back to English when a product has no L text). Rank: lower is better.

Index maintenance (writes) is in catalog.services: search_index_product(),
search_index_products(), search_reindex_all(); `comptoir reindex_search` runs the last.
"""
from __future__ import annotations

from django.db import connection

from .base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()


def match_sql(query: str | None, language: str) -> tuple[str, list] | None:
    """SQL selecting (product_id, rank) of the products matching `query`; None if the query
    has no searchable word (empty, only punctuation or stop words)."""
    return get_backend().match_sql(query, language)


def search_product_ids(query: str | None, language: str, *, limit: int = 50) -> list[int]:
    """Ids of matching products (active or not), best first; [] when nothing is searchable."""
    sub = match_sql(query, language)
    if sub is None:
        return []
    sql, params = sub
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.product_id FROM ({sql}) m ORDER BY m.rank, m.product_id LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


__all__ = ["SearchBackend", "get_backend", "match_sql", "search_product_ids"]
