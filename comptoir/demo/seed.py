"""`demo_seed()`: a believable marketplace in one call (markets, sellers, catalogue, offers, users).

The demo spans every bounded context, so it lives in the top layer (web) and calls the
domain apps' services: markets.services.markets_seed / cities_load, catalog.services
gtin_normalise / search_reindex_all, inventory.listing.listing_refresh_all, and
sellers.services seller_register, inventory.services seller_approve. Products, texts, pictures, offers and stock
levels are written in batches of raw rows (bulk.py: COPY on PostgreSQL, executemany on SQLite):
at bench scale (100,000 products, 300,000+ offers, 440,000 stock levels) per-row services would
take hours and model instances with bulk_create minutes; the rows are valid by construction
(GTINs pass stdnum, identities pass stdnum) and the derived tables (search index, listing
summary) are rebuilt by their own services at the end, in bulk SQL.

Everything is drawn from one `random.Random(seed)`: the same seed gives the same data.
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify
from stdnum import ean

from comptoir.catalog.models import Category, Product, ProductImage, ProductText
from comptoir.catalog.services import gtin_normalise, search_reindex_all
from comptoir.common.errors import DomainError
from comptoir.inventory.listing.refresh import listing_refresh_all
from comptoir.inventory.models import Condition, LocationKind, Offer, StockLevel, StockLocation
from comptoir.markets.models import City, Market
from comptoir.sellers.models import Seller, SellerMember, SellerStatus
from comptoir.inventory.services import seller_approve
from comptoir.sellers.services import seller_register

from .bulk import insert_rows, reserve_ids, timestamp
from .compose import ProductDraft, product_draft
from .identity import identity_generate
from .images import initials, picture_render
from .instore import demo_instore_seed
from .online import demo_ledger_reset, demo_online_present, demo_online_reset, demo_online_seed
from .stores import STAFF, STORE_PASSWORD, demo_stores_present, demo_stores_reset, demo_stores_seed
from .vocab import COLOURS, DEMO_COMPANY_PREFIXES, LEAVES, PARENTS, SELLER_WORDS, brand_company_prefix

SELLER_COUNTRIES = ("FR", "ES", "IT", "DE", "CN")
SELLER_SHARE = {"FR": 35, "ES": 25, "IT": 15, "DE": 12.5, "CN": 12.5}  # percent of sellers
DEMO_LEGAL_SUFFIX = " (demo)"  # marks demo sellers: the legal name says so
IMAGE_DIR = "products/demo"
OFFERS_PER_PRODUCT = ((1, 6), (2, 22), (3, 30), (4, 24), (5, 18))  # (count, weight): mean 3.26
BATCH = 2000

ADMIN = ("admin", "admin@example.com", "comptoir-admin")
BUYER = ("buyer@example.com", "buyer@example.com", "comptoir-buyer")
SELLER_PASSWORD = "comptoir-seller"


class DemoError(DomainError):
    code = "demo_error"


class DemoCitiesMissing(DemoError):
    code = "demo_cities_missing"


class DemoResetBlocked(DemoError):
    code = "demo_reset_blocked"


@dataclass(frozen=True)
class Scale:
    name: str
    products: int
    sellers: int
    shared_pictures: bool  # one picture per (category, product type, colour) instead of per product


SCALES = {
    "small": Scale("small", products=300, sellers=40, shared_pictures=False),
    "bench": Scale("bench", products=100_000, sellers=1_000, shared_pictures=True),
}


@dataclass(frozen=True)
class DemoUser:
    role: str
    username: str
    password: str
    seller: str = ""


@dataclass
class DemoReport:
    scale: str
    seed: int
    created: bool  # False when demo data was already present and nothing was written
    categories: int = 0
    sellers: int = 0
    sellers_pending: int = 0
    locations: int = 0
    products: int = 0
    offers: int = 0
    stock_levels: int = 0
    picture_files: int = 0
    search_documents: int = 0
    listings: int = 0
    stores: int = 0
    consigned_units: int = 0
    till_sessions: int = 0
    instore_sales: int = 0
    online_orders: int = 0
    collect_orders: int = 0
    seconds: float = 0.0
    users: list[DemoUser] = field(default_factory=list)


# --- presence and reset -------------------------------------------------------------------

def _demo_products() -> Q:
    q = Q(pk__in=[])
    for prefix in DEMO_COMPANY_PREFIXES:
        q |= Q(gtin__startswith="0" + prefix)
    return q


def demo_present() -> bool:
    """Demo sellers or demo products (GTINs under the demo brands' company prefixes) exist."""
    return Seller.objects.filter(legal_name__endswith=DEMO_LEGAL_SUFFIX).exists() or Product.objects.filter(_demo_products()).exists()


@transaction.atomic
def demo_reset() -> None:
    """Delete the demo sellers (with their locations, offers, stock), products and demo
    users; categories, markets and cities stay. Refuses (DemoResetBlocked) if orders
    reference demo offers: delete those orders first."""
    from django.db.models import ProtectedError

    try:
        demo_ledger_reset(list(Seller.objects.filter(legal_name__endswith=DEMO_LEGAL_SUFFIX).values_list("pk", flat=True)))
        demo_online_reset()
        demo_stores_reset()
        Offer.objects.filter(Q(seller__legal_name__endswith=DEMO_LEGAL_SUFFIX) | Q(product__in=Product.objects.filter(_demo_products()))).delete()
        Seller.objects.filter(legal_name__endswith=DEMO_LEGAL_SUFFIX).delete()
        Product.objects.filter(_demo_products()).delete()
    except ProtectedError as exc:
        raise DemoResetBlocked(f"Demo data is referenced by other rows ({exc.args[0]}); delete them first") from None
    get_user_model().objects.filter(username__endswith="@example.com", username__startswith="seller-").delete()


# --- the parts ----------------------------------------------------------------------------

def _ensure_places(load_cities: bool) -> dict[str, list[City]]:
    """Markets and the seller countries' cities: seeded/loaded through the markets services."""
    from comptoir.markets.services import cities_load, markets_seed

    if not Market.objects.exists():
        markets_seed()
    missing = [c for c in SELLER_COUNTRIES if not City.objects.filter(country=c).exists()]
    if missing:
        if not load_cities:
            raise DemoCitiesMissing(
                f"No cities for {', '.join(missing)}: run `comptoir load_cities {' '.join(SELLER_COUNTRIES)}` first"
            )
        cities_load(countries=missing)
    return {c: list(City.objects.filter(country=c).order_by("-population", "id")[:80]) for c in SELLER_COUNTRIES}


def _categories() -> list[Category]:
    """The demo tree (get-or-create by slug); returns the leaves in LEAVES order."""
    # TODO(catalog): switch to catalog.services.category_create when it exists.
    parents = {}
    for position, (slug, names) in enumerate(PARENTS.items()):
        parents[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"names": names, "position": position * 10})
    leaves = []
    for position, leaf in enumerate(LEAVES):
        category, _ = Category.objects.get_or_create(
            slug=leaf.slug,
            defaults={
                "names": leaf.names, "tax_class": leaf.tax_class, "position": 100 + position,
                "parent": parents.get(leaf.parent) if leaf.parent else None,
            },
        )
        leaves.append(category)
    return leaves


_STREETS = {
    "FR": ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Pasteur", "rue du Commerce"),
    "ES": ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo de Gracia", "Calle del Sol"),
    "IT": ("Via Roma", "Corso Italia", "Via Garibaldi", "Via Dante", "Piazza del Mercato"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Marktplatz", "Gartenstraße"),
    "CN": ("Shennan Road", "Huaqiang North Road", "Futian Road", "Binhe Avenue", "Chouzhou Road"),
}


def _address(rng: random.Random, country: str) -> str:
    street, number = rng.choice(_STREETS[country]), rng.randint(1, 180)
    return f"{street} {number}" if country in {"DE", "IT", "ES"} else f"{number} {street}"


def _seller_countries(n: int) -> list[str]:
    counts = {c: int(n * SELLER_SHARE[c] / 100) for c in SELLER_COUNTRIES}
    counts["FR"] += n - sum(counts.values())
    return [c for c in SELLER_COUNTRIES for _ in range(counts[c])]


def _local_name(city: City) -> str:
    """The city as its people write it ("Köln", "München"), not GeoNames' English "Cologne"."""
    return city.local_name or city.name


def _sellers(rng: random.Random, scale: Scale, cities: dict[str, list[City]]) -> tuple[list[Seller], dict[int, list[StockLocation]]]:
    """Sellers (every 10th pending review) with 1–2 warehouses each in cities of their country,
    registered through sellers.services (which re-checks every identity number with stdnum)."""
    sellers: list[Seller] = []
    used_names: set[str] = set()
    for i, country in enumerate(_seller_countries(scale.sellers)):
        prefixes, surnames, form = SELLER_WORDS[country]
        city = rng.choices(cities[country], weights=[max(c.population, 1) for c in cities[country]])[0]
        name = f"{rng.choice(prefixes)} {rng.choice(surnames)}"
        if country == "CN":
            name = f"{_local_name(city)} {rng.choice(surnames)} {rng.choice(prefixes)}"
        if name in used_names:
            name = f"{name} {_local_name(city)}"
        if name in used_names:
            name = f"{name} {i}"
        used_names.add(name)
        identity = identity_generate(country, rng)
        seller = seller_register(
            legal_name=f"{name} {form}{DEMO_LEGAL_SUFFIX}", display_name=name, country=country,
            address=_address(rng, country), postcode=city.postcode, city=city, vat_number=identity.vat_number,
            company_id=identity.company_id, iban=identity.iban,
        )
        sellers.append(seller)
    locations: list[StockLocation] = []
    for seller in sellers:
        places = [seller.city]
        if rng.random() < 0.35:
            others = [c for c in cities[seller.country] if c.pk != seller.city.pk]
            places.append(rng.choice(others))
        for city in places:
            locations.append(
                StockLocation(kind=LocationKind.WAREHOUSE, seller=seller, name=f"{seller.display_name} — {_local_name(city)}"[:120],
                              city=city, country=city.country, latitude=city.latitude, longitude=city.longitude)
            )
    locations = StockLocation.objects.bulk_create(locations, batch_size=BATCH)
    for i, seller in enumerate(sellers):
        if i % 10 != 9:  # every 10th seller stays pending review; the others have their warehouses
            seller_approve(seller=seller)
    by_seller: dict[int, list[StockLocation]] = {}
    for location in locations:
        by_seller.setdefault(location.seller_id, []).append(location)
    return sellers, by_seller


def _gtin(draft: ProductDraft, item: int) -> str:
    body = brand_company_prefix(draft.leaf_index, draft.brand_index) + f"{item:05d}"
    return gtin_normalise(body + ean.calc_check_digit(body))


class _Pictures:
    """Writes picture files once (skips a name already in storage: the bytes are deterministic)."""

    def __init__(self, shared: bool):
        self.shared = shared
        self.written = 0
        self.known: set[str] = set()

    def name_for(self, draft: ProductDraft, gtin: str) -> str:
        leaf = LEAVES[draft.leaf_index]
        noun = leaf.nouns[draft.noun_index]
        colour = draft.colour or "none"
        if self.shared:
            name = f"{IMAGE_DIR}/shared/{leaf.slug}-{noun.key}-{colour}.png"
            label = ""
        else:
            name = f"{IMAGE_DIR}/{gtin}.png"
            label = initials(draft.brand)
        if name not in self.known:
            self.known.add(name)
            if not default_storage.exists(name):
                fill = COLOURS[draft.colour][3] if draft.colour else _mix_leaf(leaf.colour)
                data = picture_render(background=leaf.colour, shape=noun.shape, fill=fill, label=label)
                saved = default_storage.save(name, ContentFile(data))
                assert PurePosixPath(saved) == PurePosixPath(name), saved
                self.written += 1
        return name


def _mix_leaf(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(max(0, c - 60) for c in colour)  # type: ignore[return-value]


def _catalogue(rng: random.Random, scale: Scale, leaves: list[Category], sellers: list[Seller],
               locations: dict[int, list[StockLocation]], report: DemoReport, progress: bool) -> None:
    """Products with texts in the seven catalogue languages and a picture, 1–5 offers each from random sellers, stock
    at each of the seller's locations; written in batches with raw bulk inserts (bulk.py)."""
    from tqdm import tqdm

    pictures = _Pictures(scale.shared_pictures)
    item_counter: dict[tuple[int, int], int] = {}
    counts, weights = zip(*OFFERS_PER_PRODUCT)
    now = timestamp()
    location_ids = {seller_id: [loc.pk for loc in locs] for seller_id, locs in locations.items()}
    with tqdm(total=scale.products, unit="product", disable=not progress, desc="demo catalogue") as bar:
        for start in range(0, scale.products, BATCH):
            n = min(BATCH, scale.products - start)
            drafts = [product_draft(rng, li, LEAVES[li]) for li in (rng.randrange(len(LEAVES)) for _ in range(n))]
            gtins = []
            for d in drafts:
                key = (d.leaf_index, d.brand_index)
                item_counter[key] = item_counter.get(key, 0) + 1
                gtins.append(_gtin(d, item_counter[key]))
            product_ids = reserve_ids(Product, n)
            insert_rows(Product, ("id", "gtin", "brand", "category_id", "attributes", "is_active", "created_at"), [
                (pid, g, d.brand, leaves[d.leaf_index].pk, json.dumps(d.attributes), True, now)
                for pid, d, g in zip(product_ids, drafts, gtins)
            ])
            insert_rows(ProductText, ("product_id", "language", "title", "description"), [
                (pid, lang, title, description)
                for pid, d in zip(product_ids, drafts) for lang, (title, description) in d.texts.items()
            ])
            insert_rows(ProductImage, ("product_id", "image", "position", "alt"), [
                (pid, pictures.name_for(d, g), 0, d.texts["en"][0][:250]) for pid, d, g in zip(product_ids, drafts, gtins)
            ])
            offers = []  # (product id, seller id, net price, handling days)
            for pid, d in zip(product_ids, drafts):
                k = rng.choices(counts, weights)[0]
                for seller in rng.sample(sellers, k):
                    cn = seller.country == "CN"
                    factor = rng.gauss(1.0, 0.07) * (0.8 if cn else 1.0)
                    price = max(99, int(d.base_price * min(max(factor, 0.7), 1.25)) // 10 * 10 + 9)
                    handling = rng.randint(2, 7) if cn else rng.choices(range(6), (15, 35, 25, 12, 8, 5))[0]
                    offers.append((pid, seller.pk, price, handling))
            offer_ids = reserve_ids(Offer, len(offers))
            insert_rows(Offer, ("id", "seller_id", "product_id", "condition", "net_price", "currency", "handling_days",
                                "is_active", "updated_at"), [
                (oid, seller_id, pid, Condition.NEW.value, price, "EUR", handling, True, now)
                for oid, (pid, seller_id, price, handling) in zip(offer_ids, offers)
            ])
            levels = []
            for oid, (_pid, seller_id, _price, _handling) in zip(offer_ids, offers):
                for location_id in location_ids[seller_id]:
                    on_hand = 0 if rng.random() < 0.15 else rng.randint(1, 50)
                    levels.append((oid, location_id, on_hand, 0))
            insert_rows(StockLevel, ("offer_id", "location_id", "on_hand", "held"), levels)
            report.products += n
            report.offers += len(offers)
            report.stock_levels += len(levels)
            bar.update(n)
    report.picture_files = pictures.written


def _users(sellers: list[Seller]) -> list[DemoUser]:
    """admin (superuser), buyer@example.com, and an owner user for one seller per country
    plus one pending seller. Get-or-create: passwords are (re)set to the documented ones."""
    User = get_user_model()
    users: list[DemoUser] = []

    def ensure(username: str, email: str, password: str, **flags) -> object:
        user, created = User.objects.get_or_create(username=username, defaults={"email": email, **flags})
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        return user

    ensure(*ADMIN, is_staff=True, is_superuser=True)
    users.append(DemoUser("operator (superuser)", ADMIN[0], ADMIN[2]))
    ensure(*BUYER)
    users.append(DemoUser("buyer", BUYER[0], BUYER[2]))
    picked: dict[str, Seller] = {}
    for seller in sellers:
        key = "pending" if seller.status == SellerStatus.PENDING else seller.country.lower()
        picked.setdefault(key, seller)
    for key, seller in picked.items():
        username = f"seller-{key}@example.com"
        user = ensure(username, username, SELLER_PASSWORD)
        SellerMember.objects.get_or_create(user=user, seller=seller)
        users.append(DemoUser(f"seller ({seller.country}, {seller.get_status_display()})", username, SELLER_PASSWORD, seller.display_name))
    for username, role, where in STAFF:
        if User.objects.filter(username=username).exists():
            label = "store partner (Sevilla)" if where == "partner" else f"store {role} ({where})"
            users.append(DemoUser(label, username, STORE_PASSWORD))
    return users


def _refresh_derived(report: DemoReport) -> None:
    report.search_documents = search_reindex_all()
    report.listings = listing_refresh_all()
    with connection.cursor() as cursor:  # fresh statistics after a bulk load: the planner needs them
        # (and on PostgreSQL the visibility map, without which no index-only scan skips the heap)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # VACUUM: no transaction
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _existing(scale: str, seed: int) -> DemoReport:
    sellers = list(Seller.objects.filter(legal_name__endswith=DEMO_LEGAL_SUFFIX).order_by("id"))
    demo = Product.objects.filter(_demo_products())
    return DemoReport(
        scale=scale, seed=seed, created=False, categories=Category.objects.count(), sellers=len(sellers),
        sellers_pending=sum(s.status == SellerStatus.PENDING for s in sellers),
        locations=StockLocation.objects.filter(seller__in=sellers).count(), products=demo.count(),
        offers=Offer.objects.filter(seller__in=sellers).count(), users=_users(sellers),
    )


def demo_seed(*, scale: str = "small", seed: int = 42, reset: bool = False, load_cities: bool = True,
              progress: bool = False, log: Callable[[str], None] | None = None) -> DemoReport:
    """Create the demo marketplace at `scale` ("small" or "bench") from `seed`.

    Idempotent: when demo sellers exist already, nothing is written (created=False) unless
    `reset` deletes the previous demo first. Missing cities are loaded through
    markets.services.cities_load (or DemoCitiesMissing is raised when load_cities=False).
    All rows are written in one transaction: a failure leaves nothing half-written (picture
    files already written stay; they are reused by the next run).
    """
    if scale not in SCALES:
        raise DemoError(f"Unknown scale {scale!r} (choose {', '.join(SCALES)})", field="scale")
    spec = SCALES[scale]
    log = log or (lambda message: None)
    started = time.perf_counter()
    if reset and demo_present():
        log("Deleting the previous demo data…")
        demo_reset()
    if demo_present():
        report = _existing(scale, seed)
        if not demo_online_present() and demo_stores_present():  # a demo seeded before the order history existed
            log("12 weeks of online and click & collect orders…")
            online = demo_online_seed(random.Random(seed))
            report.online_orders, report.collect_orders = online["orders"], online["collect"]
            report.seconds = round(time.perf_counter() - started, 2)
        return report
    cities = _ensure_places(load_cities)
    rng = random.Random(seed)
    report = DemoReport(scale=scale, seed=seed, created=True)
    with transaction.atomic():
        leaves = _categories()
        report.categories = Category.objects.count()
        sellers, locations = _sellers(rng, spec, cities)
        report.sellers = len(sellers)
        report.sellers_pending = sum(s.status == SellerStatus.PENDING for s in sellers)
        report.locations = sum(len(v) for v in locations.values())
        log(f"{report.sellers} sellers, {report.locations} warehouses; writing {spec.products} products…")
        _catalogue(rng, spec, leaves, sellers, locations, report, progress)
        log("Stores, their staff and consignments…")
        counts = demo_stores_seed(rng)
        report.stores, report.consigned_units = counts["stores"], counts["consigned_units"]
        report.users = _users(sellers)
        log("Till history and reservations in the open stores…")
        instore = demo_instore_seed(rng)
        report.till_sessions, report.instore_sales = instore["sessions"], instore["sales"]
    log("Rebuilding the search index and the listing summary…")
    _refresh_derived(report)
    # The online history pays through the payment provider, which is called outside any
    # transaction: each order and each of its steps commits on its own, after the rest (and
    # after the statistics of _refresh_derived, without which its queries plan badly).
    log("12 weeks of online and click & collect orders…")
    online = demo_online_seed(rng)
    report.online_orders, report.collect_orders = online["orders"], online["collect"]
    report.seconds = round(time.perf_counter() - started, 2)
    return report
