"""SQLite FTS5 backend: per-language virtual tables of pre-stemmed, accent-folded text."""
from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import connection, transaction

from comptoir.catalog.models import CATALOG_LANGUAGES
from comptoir.catalog.text import analysed_text, query_tokens

from .base import SearchMatches, iter_documents, match_limit, merge_matches, search_languages


def table(language: str) -> str:
    if language not in CATALOG_LANGUAGES:
        raise ValueError(f"no search table for language {language!r}")
    return f"catalog_search_{language}"


def fts_expression(tokens: list[str]) -> str:
    """An FTS5 MATCH expression requiring every token; each token is a quoted string."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in tokens)


class SqliteBackend:
    TITLE_WEIGHT = 10.0
    BODY_WEIGHT = 1.0

    def matches(self, query: str | None, language: str, *, limit: int | None = None) -> SearchMatches | None:
        limit = match_limit(limit)
        rows: list[tuple[int, int, float]] = []
        capped, searched = False, False
        with connection.cursor() as cursor:
            for lang in search_languages(language):
                tokens = query_tokens(query, lang)
                if not tokens:
                    continue
                searched = True
                expr = fts_expression(tokens)
                in_title = f"{{title}} : ({expr})"
                # tier 1: every word in the title; tier 2: the other matches (see base.MAX_MATCHES)
                room = limit
                for tier, match in ((0, in_title), (1, f"({expr}) NOT ({in_title})")):
                    found = self._read(cursor, lang, match, room + 1)
                    full = len(found) > room
                    rows += [(pid, tier, rank) for pid, rank in found[:room]]
                    room -= len(found[:room])
                    if full:  # more matches than room: the next tier cannot add any
                        capped = True
                        break
        return merge_matches(rows, capped, limit) if searched else None

    def _read(self, cursor, lang: str, match: str, limit: int) -> list[tuple[int, float]]:
        """Up to `limit` matches, newest product first (FTS5 walks its rowid = product id order
        and stops at the limit), with their bm25 rank: only the rows read are ranked."""
        t = table(lang)
        cursor.execute(
            f"SELECT rowid, bm25({t}, {self.TITLE_WEIGHT}, {self.BODY_WEIGHT}) FROM {t} WHERE {t} MATCH %s "
            f"ORDER BY rowid DESC LIMIT %s",
            [match, limit],
        )
        return cursor.fetchall()

    def _write(self, product_ids: list[int] | None, documents) -> int:
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for lang in CATALOG_LANGUAGES:
                if product_ids is None:
                    cursor.execute(f"DELETE FROM {table(lang)}")
                else:
                    for i in range(0, len(product_ids), 500):
                        chunk = product_ids[i : i + 500]
                        cursor.execute(
                            f"DELETE FROM {table(lang)} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk
                        )
            documents = iter(documents)
            while batch := list(islice(documents, 5000)):
                by_lang: dict[str, list] = {}
                for doc in batch:
                    body = " ".join(analysed_text(part, doc.language) for part in doc.body_parts)
                    by_lang.setdefault(doc.language, []).append(
                        (doc.product_id, analysed_text(doc.title, doc.language), body)
                    )
                for lang, rows in by_lang.items():
                    cursor.executemany(f"INSERT INTO {table(lang)} (rowid, title, body) VALUES (%s, %s, %s)", rows)
                    count += len(rows)
        return count

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        if ids:
            self._write(ids, iter_documents(ids))

    def reindex_all(self) -> int:
        return self._write(None, iter_documents(None))

    def maintain(self) -> None:
        """After a full reindex, outside any transaction: merge each FTS5 index's segments."""
        with connection.cursor() as cursor:
            for lang in CATALOG_LANGUAGES:
                cursor.execute(f"INSERT INTO {table(lang)}({table(lang)}) VALUES ('optimize')")
