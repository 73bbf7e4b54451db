"""SQLite FTS5 backend: per-language virtual tables of pre-stemmed, accent-folded text."""
from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import connection, transaction

from comptoir.catalog.models import CATALOG_LANGUAGES
from comptoir.catalog.text import analysed_text, query_tokens

from .base import MAX_MATCHES_PER_LANGUAGE, iter_documents, search_languages


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

    def match_sql(self, query: str | None, language: str) -> tuple[str, list] | None:
        parts, params = [], []
        for lang in search_languages(language):
            tokens = query_tokens(query, lang)
            if not tokens:
                continue
            t = table(lang)
            parts.append(
                f"SELECT * FROM (SELECT rowid AS product_id, bm25({t}, {self.TITLE_WEIGHT}, {self.BODY_WEIGHT}) AS rank "
                f"FROM {t} WHERE {t} MATCH %s ORDER BY rank LIMIT {MAX_MATCHES_PER_LANGUAGE})"  # LIMIT also keeps
            )  # bm25() out of the outer GROUP BY (SQLite would otherwise flatten the subquery and refuse it)
            params.append(fts_expression(tokens))
        if not parts:
            return None
        union = " UNION ALL ".join(parts)
        return f"SELECT u.product_id AS product_id, MIN(u.rank) AS rank FROM ({union}) u GROUP BY u.product_id", params

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
