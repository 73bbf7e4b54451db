"""The search backend protocol and the document source shared by both backends."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from comptoir.catalog.models import CATALOG_LANGUAGES, Category, Product, ProductText

# PostgreSQL's text search configuration per catalogue language (its own Snowball stemmers).
LANGUAGE_CONFIGS = {
    "fr": "french", "es": "spanish", "en": "english", "de": "german", "it": "italian", "pt": "portuguese", "nl": "dutch",
}

# A search keeps at most MAX_MATCHES products, chosen without ranking every match: broad words
# ("noir", "sport") match 10,000–100,000 documents, and ranking, joining and counting all of them
# per request costs far more than anyone pages through. Per searched language, each backend reads
# two tiers, each in the index's own cheap order (FTS5: newest product first; PostgreSQL: table
# order, newest first after a full reindex) and stops after what it needs:
#   1. documents with every query word in the title,
#   2. then, if tier 1 left room, documents with the words anywhere else;
# and ranks only what it read with the engine's rank (SQLite bm25, PostgreSQL ts_rank). Title
# matches come first, then the rest; when a tier had more matches than the room left, the result
# is `capped` (the listing says "more than MAX_MATCHES products") and holds the first read.
MAX_MATCHES = 500
TIER_OFFSET = 1e9  # rank of a tier-2 match = TIER_OFFSET + the engine's rank (always below tier 1)


@dataclass(frozen=True, slots=True)
class SearchMatches:
    """The products a query matched: product id -> rank (lower is better), at most `limit`.
    capped: more documents matched than were read, so `ranks` is the best part of the matches
    and any count of it is a lower bound."""

    ranks: dict[int, float]
    capped: bool
    limit: int = MAX_MATCHES

    def ordered_ids(self) -> list[int]:
        """Best first; ties: newest product first."""
        return sorted(self.ranks, key=lambda pid: (self.ranks[pid], -pid))


def match_limit(limit: int | None) -> int:
    return MAX_MATCHES if limit is None else limit


def merge_matches(rows: Iterable[tuple[int, int, float]], capped: bool, limit: int) -> SearchMatches:
    """(product id, tier 0|1, engine rank) rows of every searched language -> SearchMatches: a
    product keeps its best rank; beyond `limit` products only the best are kept (capped)."""
    ranks: dict[int, float] = {}
    for pid, tier, rank in rows:
        value = tier * TIER_OFFSET + float(rank)
        if pid not in ranks or value < ranks[pid]:
            ranks[pid] = value
    if len(ranks) > limit:
        best = sorted(ranks, key=lambda pid: (ranks[pid], -pid))[:limit]
        ranks, capped = {pid: ranks[pid] for pid in best}, True
    return SearchMatches(ranks, capped, limit)


def search_languages(language: str) -> list[str]:
    """Documents a buyer in `language` searches: theirs, then English."""
    language = language if language in CATALOG_LANGUAGES else "en"
    return [language] if language == "en" else [language, "en"]


@dataclass(frozen=True, slots=True)
class SearchDocument:
    product_id: int
    language: str
    title: str
    body_parts: tuple[str, ...]  # brand, category names, description

    @property
    def body(self) -> str:
        return " ".join(self.body_parts)


class SearchBackend(Protocol):
    def matches(self, query: str | None, language: str, *, limit: int | None = None) -> SearchMatches | None:
        """At most `limit` (default MAX_MATCHES) products; None when the query has no searchable
        word (empty, punctuation, stop words)."""

    def index_products(self, product_ids: Iterable[int]) -> None: ...

    def reindex_all(self) -> int: ...

    def maintain(self) -> None:
        """Housekeeping after a bulk reindex, run outside any transaction."""


def category_labels() -> dict[int, dict[str, str]]:
    """category id -> {language: "name parent-name ..."} for every category (one query)."""
    rows = {c["id"]: c for c in Category.objects.values("id", "parent_id", "names", "slug")}
    labels: dict[int, dict[str, str]] = {}
    for cid, row in rows.items():
        per_lang: dict[str, str] = {}
        for lang in CATALOG_LANGUAGES:
            parts, seen, node = [], set(), row
            while node is not None and node["id"] not in seen:
                seen.add(node["id"])
                names = node["names"] or {}
                parts.append(names.get(lang) or names.get("en") or node["slug"])
                node = rows.get(node["parent_id"])
            per_lang[lang] = " ".join(parts)
        labels[cid] = per_lang
    return labels


def iter_documents(product_ids: Iterable[int] | None, *, chunk_size: int = 5000) -> Iterator[SearchDocument]:
    """Documents of active products (all products when product_ids is None)."""
    labels = category_labels()
    texts = ProductText.objects.filter(product__is_active=True)
    if product_ids is not None:
        texts = texts.filter(product_id__in=list(product_ids))
    rows = texts.order_by("product_id", "language").values_list(
        "product_id", "language", "title", "description", "product__brand", "product__category_id"
    )
    for product_id, language, title, description, brand, category_id in rows.iterator(chunk_size=chunk_size):
        cat = labels.get(category_id, {}).get(language, "")
        yield SearchDocument(product_id, language, title, (brand, cat, description))


def active_product_ids(product_ids: Iterable[int]) -> list[int]:
    return list(Product.objects.filter(id__in=list(product_ids)).values_list("id", flat=True))
