"""axe-core's WCAG 2.1 A/AA rules on every page a person uses, in every UI language.

The pages are listed in PAGES, one line each: the path (formatted with the ids of the scene
below) and who looks at it. The scene is the demo marketplace (`comptoir seed_demo`) plus what
a buyer, a seller and an applicant leave behind (an order to collect and one delivered, a
reservation, an API key, a webhook, an invitation, a wizard filled to its review step, a
payout run). It is built once for the module and served by its own live server; each user has one
browser context, signed in once, and each (page, language) is one test. The module flushes the
database when it ends, as a transactional test does.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils.text import slugify
from pytest_django.live_server_helper import LiveServer

from .accessibility import axe_violations, violations_report

pytestmark = [pytest.mark.browser]


@dataclass(frozen=True)
class Page:
    path: str  # formatted with the scene's ids: "/p/{product}/"
    user: str  # anonymous, buyer, seller, applicant, manager, partner, operator

    def __str__(self) -> str:
        return f"{self.user}:{self.path}"


PAGES = [
    # storefront, anyone
    Page("/", "anonymous"),
    Page("/c/{category}/", "anonymous"),
    Page("/search?q={query}", "anonymous"),
    Page("/search?q=zzzzzz", "anonymous"),  # no result
    Page("/p/{product}/", "anonymous"),
    Page("/stores/", "anonymous"),
    Page("/stores/{store}/", "anonymous"),
    Page("/cart/", "anonymous"),
    Page("/accounts/login/", "anonymous"),
    Page("/accounts/signup/", "anonymous"),
    Page("/accounts/password-reset/", "anonymous"),
    Page("/sell/", "anonymous"),
    Page("/sell/apply/account/", "anonymous"),
    # the buyer
    Page("/p/{product_in_store}/", "buyer"),
    Page("/cart/", "buyer"),
    Page("/checkout/", "buyer"),
    Page("/orders/", "buyer"),
    Page("/orders/{order}/", "buyer"),
    Page("/orders/{order_delivered}/", "buyer"),
    Page("/orders/{order_delivered}/invoice/{part_delivered}/", "buyer"),
    Page("/reservations/", "buyer"),
    Page("/accounts/password/", "buyer"),
    # "Sell on Comptoir": a signed-in applicant's wizard, every step
    Page("/sell/apply/account/", "applicant"),
    Page("/sell/apply/entity/", "applicant"),
    Page("/sell/apply/payout/", "applicant"),
    Page("/sell/apply/warehouse/", "applicant"),
    Page("/sell/apply/review/", "applicant"),
    # seller centre
    Page("/seller/", "seller"),
    Page("/seller/offers/", "seller"),
    Page("/seller/offers/{offer}/", "seller"),
    Page("/seller/offers/new/", "seller"),
    Page("/seller/offers/proposals/", "seller"),
    Page("/seller/offers/import/", "seller"),
    Page("/seller/orders/", "seller"),
    Page("/seller/consignments/", "seller"),
    Page("/seller/consignments/new/", "seller"),
    Page("/seller/consignments/stock/", "seller"),
    Page("/seller/consignments/{consignment}/", "seller"),
    Page("/seller/team/", "seller"),
    Page("/seller/api-keys/", "seller"),
    Page("/seller/webhooks/", "seller"),
    Page("/seller/statement/", "seller"),
    Page("/seller/bank/", "seller"),
    Page("/seller/settings/", "seller"),
    # store console
    Page("/store/", "manager"),
    Page("/store/{store}/", "manager"),
    Page("/store/{store}/consignments/", "manager"),
    Page("/store/{store}/consignments/{consignment}/", "manager"),
    Page("/store/{store}/shelf/", "manager"),
    Page("/store/{store}/corrections/", "manager"),
    Page("/store/{store}/send-back/", "manager"),
    Page("/store/{store}/staff/", "manager"),
    Page("/store/{store}/pickups/", "manager"),
    Page("/store/{store}/pickups/{part_collect}/", "manager"),
    Page("/store/{store}/till/", "manager"),
    Page("/store/{store}/till/sessions/", "manager"),
    Page("/store/{store}/till/returns/", "manager"),
    Page("/store/{store}/till/z/{z_number}/", "manager"),
    Page("/store/{store}/till/receipts/{receipt}/", "manager"),
    Page("/store/{store}/reservations/", "manager"),
    Page("/store/{store}/journal/", "manager"),
    Page("/store/{store}/report/", "manager"),
    Page("/store/partners/", "partner"),
    # operator
    Page("/operator/sellers/", "operator"),
    Page("/operator/payouts/", "operator"),
    Page("/operator/proposals/", "operator"),
    Page("/operator/planner/", "operator"),
    Page("/operator/planner/?run={plan_run}", "operator"),
    Page("/operator/analytics/", "operator"),
    Page("/operator/orders/", "operator"),
    Page("/operator/orders/?q=buyer%40example.com", "operator"),
    Page("/operator/orders/{order_delivered}/", "operator"),
    Page("/admin/", "operator"),
    Page("/admin/ledger/journalentry/", "operator"),
]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# pages also kept as screenshots (test-artifacts/screenshots/a11y-*.png), to look at after a change
SCREENSHOTS = {"/", "/c/{category}/", "/p/{product_in_store}/", "/orders/{order}/", "/seller/",
               "/store/{store}/report/", "/store/{store}/till/", "/sell/apply/account/"}
PASSWORD = "correct-horse-battery"


@dataclass
class Site:
    url: str
    ids: dict
    sessions: dict  # user → session cookie value (None: anonymous)


def _scene() -> tuple[dict, dict]:
    """The demo plus the buyer's, seller's and applicant's traces; returns the ids the paths
    use and a session id per user."""
    from django.contrib.auth import get_user_model

    from comptoir.catalog.models import Category
    from comptoir.demo.seed import demo_seed
    from comptoir.inventory.models import StockLevel
    from comptoir.markets.services import cities_load
    from comptoir.orders.address import Address
    from comptoir.orders.models import CartLine, SellerOrder
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import cart_add, cart_for_request_owner, order_place
    from comptoir.orders.services.lifecycle import seller_order_accept, seller_order_deliver, seller_order_ship
    from comptoir.orders.tests.helpers import OK_CARD
    from comptoir.planning.services import plan_stores
    from comptoir.sellers.models import SellerMember
    from comptoir.sellers.services import apikey_create, member_invite
    from comptoir.sellers.webhooks import webhook_endpoint_create
    from comptoir.stores.models import Consignment, PosSale, Store, TillSession
    from comptoir.stores.services.reservations import reservation_create

    # the cities of ≥ 100,000 people are enough for the demo's sellers and stores (all of them take a minute)
    cities_load(countries=["FR", "ES", "IT", "DE", "CN"], min_population=100_000)
    demo_seed(scale="small", seed=42)
    User = get_user_model()
    buyer = User.objects.get(username="buyer@example.com")
    seller_user = User.objects.get(username="seller-es@example.com")
    seller = SellerMember.objects.get(user=seller_user).seller
    store = Store.objects.get(slug="madrid-malasana")
    madrid = Address(full_name="Lucía Gómez", line1="Calle de Fuencarral 45", postcode="28004", city="Madrid",
                     country="ES", phone="+34911234567")

    shelf = StockLevel.objects.filter(location=store.location, on_hand__gte=3).select_related("offer").order_by("id").first()
    collect = order_place(
        buyer=buyer, lines=[LineRequest(shelf.offer_id, 1)], address=madrid, card=OK_CARD, idempotency_key=uuid.uuid4().hex,
        delivery_choices={f"{shelf.offer.seller_id}-{store.location_id}": f"pickup_shelf@{store.location_id}"},
    )
    own = StockLevel.objects.filter(offer__seller=seller, location__store__isnull=True, on_hand__gte=2).select_related("offer").first()
    delivered = order_place(buyer=buyer, lines=[LineRequest(own.offer_id, 1)], address=madrid, card=OK_CARD,
                            idempotency_key=uuid.uuid4().hex)
    part = delivered.parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=seller)
    seller_order_ship(seller_order_id=part.pk, seller=seller, carrier="Correos", tracking_number="PK123456789ES")
    seller_order_deliver(seller_order_id=part.pk, seller=seller)
    order_place(buyer=buyer, lines=[LineRequest(own.offer_id, 1)], address=madrid, card=OK_CARD,
                idempotency_key=uuid.uuid4().hex)  # waits for the seller
    reservation_create(buyer=buyer, store=store, offer_id=shelf.offer_id)
    cart_add(cart=cart_for_request_owner(user=buyer), offer_id=own.offer_id, quantity=1)
    apikey_create(seller=seller, name="Shop sync")
    webhook_endpoint_create(seller=seller, url="http://127.0.0.1:9/hooks", events=["order.created"])
    member_invite(seller=seller, email="packer@example.com", role="staff", invited_by=seller_user)

    users = {
        "buyer": buyer, "seller": seller_user, "operator": User.objects.get(username="admin"),
        "manager": User.objects.get(username="manager-madrid@example.com"),
        "partner": User.objects.get(username="partner-sevilla@example.com"),
    }
    ids = {
        "category": Category.objects.filter(parent__isnull=False).order_by("position", "id").first().slug,
        "query": shelf.offer.product.texts.get(language="en").title.split()[0],
        "product": own.offer.product_id,
        "product_in_store": shelf.offer.product_id,
        "store": store.slug,
        "order": collect.reference,
        "order_delivered": delivered.reference,
        "part_delivered": part.number,
        "part_collect": collect.parts.get().number,
        "offer": own.offer_id,
        "consignment": Consignment.objects.filter(seller=seller, store=store).first().reference
        if Consignment.objects.filter(seller=seller, store=store).exists() else Consignment.objects.filter(store=store).first().reference,
        "z_number": TillSession.objects.filter(store=store, closed_at__isnull=False).order_by("-number").first().number,
        "receipt": PosSale.objects.filter(session__store=store).order_by("-id").first().number,
        "plan_run": plan_stores(market_code="ES", new_stores=2, candidate_min_population=500_000, time_limit=2.0,
                                created_by=users["operator"]).run_id,
    }
    sessions = {"anonymous": None}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    sessions["applicant"] = _applicant_session()
    return ids, sessions


def _applicant_session() -> str:
    """A new user's session with the "Sell on Comptoir" wizard filled up to its review step."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_user("owner@verdi.it", "owner@verdi.it", "a-Long-pass-9876"))
    steps = [
        ("entity", {"country": "IT", "legal_name": "Bottega Verdi S.r.l.", "display_name": "Bottega Verdi",
                    "legal_form": "S.r.l.", "company_id": "00743110157", "vat_number": "00743110157"}),
        ("payout", {"iban": "IT60X0542811101000000123456"}),
        ("warehouse", {"address": "Via Roma 1", "postcode": "20121", "city": "milano", "language": "en"}),
    ]
    for step, data in steps:
        response = client.post(f"/sell/apply/{step}/", data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    return client.cookies["sessionid"].value


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scene, served by a live server of this module, for the module's tests."""
    media = tmp_path_factory.mktemp("a11y-media")
    with django_db_blocker.unblock(), _settings(MEDIA_ROOT=str(media)), _test_database():
        started = time.perf_counter()
        ids, sessions = _scene()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        print(f"\naccessibility scene built in {time.perf_counter() - started:.1f} s")
        try:
            yield Site(url=server.url, ids=ids, sessions=sessions)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # what a transactional test does when it ends: the next tests start from an empty database
            call_command("flush", verbosity=0, interactive=False, allow_cascade=True)


@contextmanager
def _test_database():
    """pytest-django sets up the test database only when a selected test asks for the database;
    these tests reach it through their own server, so when they run alone they set it up here."""
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = str(connection.settings_dict["NAME"])
    if name == str(connection.settings_dict["TEST"].get("NAME")) or name.startswith(TEST_DATABASE_PREFIX):
        yield  # already the test database
        return
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _settings(**values):
    from django.test import override_settings

    return override_settings(**values)


@pytest.fixture(scope="module")
def contexts(browser, site):
    """One browser context per user, signed in once."""
    made = {}

    def get(user: str):
        if user not in made:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            if site.sessions[user]:
                context.add_cookies([{"name": "sessionid", "value": site.sessions[user], "url": site.url}])
            made[user] = context.new_page()
            made[user].set_default_timeout(15_000)
        return made[user]

    yield get
    for page in made.values():
        page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", PAGES, ids=str)
def test_no_wcag_violation(site, contexts, language, entry, screenshot):
    page = contexts(entry.user)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url}])
    path = entry.path.format(**site.ids)
    response = page.goto(site.url + path)
    assert response.status == 200, f"{path} as {entry.user}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    if entry.path in SCREENSHOTS:
        screenshot(page, f"a11y-{entry.user}-{slugify(entry.path.strip('/').replace('/', '-')) or 'home'}-{language}")
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"{path} as {entry.user} in {language}:\n{violations_report(violations)}", pytrace=False)
