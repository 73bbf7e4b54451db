"""The few catalogue reads the storefront pages need beyond the listing and offer selectors.

Categories: the whole tree is read in one query (it is small — tens to a few hundred rows) and
walked in memory, so a page costs one query for breadcrumbs, sub-categories and tiles alike.
Product detail: a product, its text in the buyer's language (fallback English) and its images,
in a constant three queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import pgettext_lazy

from comptoir.catalog.models import Category, Product, ProductImage, ProductText


@dataclass
class CategoryNode:
    category: Category
    name: str
    children: list[CategoryNode] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.category.slug

    @property
    def url(self) -> str:
        return reverse("storefront:category", args=[self.category.slug])


class CategoryIndex:
    """All categories, indexed by id and slug; built from one query, cached for a minute."""

    CACHE_KEY = "storefront:categories"
    CACHE_SECONDS = 60  # category edits in the admin show within a minute

    def __init__(self, language: str):
        self.language = language
        categories = cache.get(self.CACHE_KEY)
        if categories is None:
            categories = list(Category.objects.all())
            cache.set(self.CACHE_KEY, categories, self.CACHE_SECONDS)
        self.by_id: dict[int, Category] = {c.pk: c for c in categories}
        self.by_slug = {c.slug: c for c in self.by_id.values()}
        self._children: dict[int | None, list[Category]] = {}
        for c in self.by_id.values():  # already in (position, slug) order
            self._children.setdefault(c.parent_id, []).append(c)

    def node(self, category: Category, depth: int = 1) -> CategoryNode:
        children = [self.node(c, depth - 1) for c in self._children.get(category.pk, [])] if depth > 0 else []
        return CategoryNode(category, category.name(self.language), children)

    def roots(self) -> list[CategoryNode]:
        return [self.node(c) for c in self._children.get(None, [])]

    def children(self, category: Category) -> list[CategoryNode]:
        return [self.node(c, 0) for c in self._children.get(category.pk, [])]

    def ancestors(self, category: Category) -> list[CategoryNode]:
        """From the root down to the category itself."""
        chain, seen = [], set()
        current = self.by_id.get(category.pk)
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            chain.append(self.node(current, 0))
            current = self.by_id.get(current.parent_id)
        return chain[::-1]


# Names of the attributes products commonly carry, shown in the buyer's language; other keys
# are shown as written ("fit_type" → "Fit type").
ATTRIBUTE_LABELS = {
    "colour": pgettext_lazy("product attribute", "Colour"),
    "color": pgettext_lazy("product attribute", "Colour"),
    "size": pgettext_lazy("product attribute", "Size"),
    "type": pgettext_lazy("product attribute", "Type"),
    "variant": pgettext_lazy("product attribute", "Variant"),
    "material": pgettext_lazy("product attribute", "Material"),
}


def _attribute_value(value, language: str) -> str | None:
    """A value as shown: a list joined, a per-language value ({"en": "Red", "fr": "Rouge"},
    like the titles) in ``language`` else English; any other mapping is not shown (None)."""
    if isinstance(value, dict):
        if not value or not all(isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in value.items()):
            return None
        return value.get(language) or value.get("en") or next(iter(value.values()))
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


@dataclass(frozen=True)
class ProductDetail:
    product: Product
    title: str
    description: str
    language: str  # the language the text is in (may be the English fallback)
    images: list[ProductImage]
    attributes: list[tuple[str, str]]


def product_detail(*, product_id: int, language: str) -> ProductDetail | None:
    """An active product with its text in `language` (else English, else any) and images."""
    product = Product.objects.select_related("category").filter(pk=product_id, is_active=True).first()
    if product is None:
        return None
    texts = {t.language: t for t in ProductText.objects.filter(product=product)}
    text = texts.get(language) or texts.get("en") or next(iter(texts.values()), None)
    images = list(ProductImage.objects.filter(product=product))
    attributes = [
        (str(ATTRIBUTE_LABELS.get(str(k).lower(), str(k).replace("_", " ").capitalize())), shown)
        for k, v in (product.attributes or {}).items()
        if (shown := _attribute_value(v, language)) is not None
    ]
    return ProductDetail(
        product=product,
        title=text.title if text else product.brand,
        description=text.description if text else "",
        language=text.language if text else language,
        images=images,
        attributes=attributes,
    )


@lru_cache(maxsize=50_000)
def product_url(product_id: int, title: str | None = None) -> str:
    """/p/<id>/<slug of the title>/ (memoised: a listing page shows dozens)."""
    slug = slugify(title or "")[:60].strip("-")
    if slug:
        return reverse("storefront:product_slug", args=[product_id, slug])
    return reverse("storefront:product", args=[product_id])
