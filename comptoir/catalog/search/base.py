"""The search backend protocol and the document source shared by both backends."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from comptoir.catalog.models import CATALOG_LANGUAGES, Category, Product, ProductText

LANGUAGE_CONFIGS = {"fr": "french", "es": "spanish", "en": "english"}
# A search keeps the best-ranked matches of each searched language only: broad words ("black")
# match tens of thousands of products, and joining, counting and sorting all of them per request
# costs far more than anyone pages through.
MAX_MATCHES_PER_LANGUAGE = 1000


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
    def match_sql(self, query: str | None, language: str) -> tuple[str, list] | None: ...

    def index_products(self, product_ids: Iterable[int]) -> None: ...

    def reindex_all(self) -> int: ...


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
