"""Catalogue full-text search: one interface, two backends chosen by ``connection.vendor``.

* SQLite (the embedded default): one FTS5 virtual table per catalogue language
  (``catalog_search_fr``, ``catalog_search_de``, …: models.CATALOG_LANGUAGES; rowid = product id)
  holding pre-folded, pre-stemmed text (comptoir.catalog.text). The query goes through the
  same analysis and every token is quoted, so FTS5 syntax in user input is inert.
* PostgreSQL: table ``catalog_search_pg`` (product_id, language, document and title
  tsvectors) with partial GIN indexes per language;
  documents built with each language's configuration (french, german, …: base.LANGUAGE_CONFIGS)
  over ``unaccent``;
  queries with ``plainto_tsquery`` over the folded words.

A buyer searching in language L matches the L documents and the English ones (the title
falls back to English when a product has no L text). Rank: lower is better; title matches
first. Broad queries read and rank a bounded part of their matches: see base.MAX_MATCHES.

Index maintenance (writes) is in catalog.services: search_index_product(),
search_index_products(), search_reindex_all(); `comptoir reindex_search` runs the last.
"""
from __future__ import annotations

from django.db import connection

from .base import MAX_MATCHES, SearchBackend, SearchMatches


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()


def search_matches(query: str | None, language: str, *, limit: int | None = None) -> SearchMatches | None:
    """The products matching `query` for a buyer in `language` (their language's documents and
    the English ones), ranked, at most `limit` (default base.MAX_MATCHES; `capped` when more
    matched); None when the query has no searchable word (empty, only punctuation or stop words)."""
    return get_backend().matches(query, language, limit=limit)


def search_product_ids(query: str | None, language: str, *, limit: int = 50) -> list[int]:
    """Ids of matching products (active or not), best first; [] when nothing is searchable."""
    matches = search_matches(query, language)
    return matches.ordered_ids()[:limit] if matches is not None else []


__all__ = ["MAX_MATCHES", "SearchBackend", "SearchMatches", "get_backend", "search_matches", "search_product_ids"]
