"""Catalogue writes: GTINs, products and the search index."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.files import File
from django.db import IntegrityError, transaction
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from . import listing_cache
from .errors import DuplicateGtin, InvalidGtin, InvalidProduct
from .models import CATALOG_LANGUAGES, Category, Product, ProductImage, ProductText
from .search import get_backend

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_normalise(value: str) -> str:
    """EAN-8, UPC-A (12), EAN-13 or GTIN-14 -> 14 digits, zero padded, check digit verified.

    Spaces and hyphens are ignored. Raises InvalidGtin (code ``invalid_gtin``) with
    "GTIN must be 8, 12, 13 or 14 digits" or "GTIN check digit is wrong".
    """
    digits = "".join(str(value or "").split()).replace("-", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise InvalidGtin("GTIN must be 8, 12, 13 or 14 digits", field="gtin")
    try:
        ean.validate(digits)
    except InvalidChecksum:
        raise InvalidGtin("GTIN check digit is wrong", field="gtin") from None
    except (InvalidLength, InvalidFormat, ValidationError):
        raise InvalidGtin("GTIN must be 8, 12, 13 or 14 digits", field="gtin") from None
    return digits.zfill(14)


@transaction.atomic
def product_create(
    *,
    gtin: str,
    brand: str,
    category: Category,
    attributes: Mapping | None = None,
    texts: Mapping[str, tuple[str, str]],
    image: File | None = None,
) -> Product:
    """Create a product with its texts (language -> (title, description)) and an optional
    image, and index it for search. Nothing is written when any input is invalid."""
    normalised = gtin_normalise(gtin)
    brand = (brand or "").strip()
    if not brand:
        raise InvalidProduct("Brand is required", field="brand")
    if len(brand) > 120:
        raise InvalidProduct("Brand is at most 120 characters", field="brand")
    if attributes is not None and not isinstance(attributes, Mapping):
        raise InvalidProduct("Attributes must be a mapping", field="attributes")
    if not texts:
        raise InvalidProduct("At least one title is required", field="texts")
    clean_texts: list[tuple[str, str, str]] = []
    for language, pair in texts.items():
        if language not in CATALOG_LANGUAGES:
            raise InvalidProduct(f"Unsupported language {language!r}", field="texts")
        title, description = pair
        title = (title or "").strip()
        if not title:
            raise InvalidProduct(f"Title ({language}) is required", field="texts")
        if len(title) > 250:
            raise InvalidProduct(f"Title ({language}) is at most 250 characters", field="texts")
        clean_texts.append((language, title, (description or "").strip()))
    if Product.objects.filter(gtin=normalised).exists():
        raise DuplicateGtin(f"A product with GTIN {normalised} already exists", field="gtin")
    try:
        with transaction.atomic():
            product = Product.objects.create(
                gtin=normalised, brand=brand, category=category, attributes=dict(attributes or {})
            )
    except IntegrityError:  # lost a race with another creator of the same GTIN
        raise DuplicateGtin(f"A product with GTIN {normalised} already exists", field="gtin") from None
    ProductText.objects.bulk_create(
        [ProductText(product=product, language=lang, title=title, description=desc) for lang, title, desc in clean_texts]
    )
    if image is not None:
        ProductImage.objects.create(product=product, image=image, position=0, alt=clean_texts[0][1][:250])
    search_index_product(product)
    return product


# --- search index -----------------------------------------------------------------------

@transaction.atomic
def search_index_product(product: Product) -> None:
    """(Re)build the search documents of one product (call after its texts change)."""
    get_backend().index_products([product.pk])
    listing_cache.versions_bump([product.category_id])


@transaction.atomic
def search_index_products(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    get_backend().index_products(ids)
    listing_cache.versions_bump(
        {cid for i in range(0, len(ids), 900) for cid in Product.objects.filter(id__in=ids[i : i + 900]).values_list("category_id", flat=True)}
    )


def search_reindex_all() -> int:
    """Rebuild the whole search index in bulk (one transaction); returns the number of
    documents written (PostgreSQL: rows inserted; SQLite: FTS rows). Outside a transaction,
    the index is then maintained (PostgreSQL VACUUM ANALYZE, FTS5 optimize)."""
    backend = get_backend()
    with transaction.atomic():
        count = backend.reindex_all()
        listing_cache.versions_bump(Category.objects.values_list("id", flat=True))
    if not transaction.get_connection().in_atomic_block:
        backend.maintain()
    return count


def product_active_set(*, product: Product, active: bool) -> Product:
    """The bare rule: mark the product (in)active and rewrite its search documents (an inactive
    product has none). What buyers see also depends on the listing summary: call
    ``comptoir.inventory.services.product_activate / product_deactivate``, which run this and
    refresh the listing in one transaction."""
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(is_active=active)
        product.is_active = active
        search_index_product(product)
    return product
