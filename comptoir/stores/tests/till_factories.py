"""Builders for the till and reservation tests: a store with units of sellers on its shelf."""
from __future__ import annotations

from django.db.models import Sum

from comptoir.inventory.models import StockLevel
from comptoir.ledger.models import JournalLine
from comptoir.orders.tests import factories as f
from comptoir.stores.models import Partner

from . import factories as sf


def partner(share_bp: int = 5000) -> Partner:
    return Partner.objects.create(legal_name="Socio SL", country="ES", company_id="B12345678", iban="ES9121000418450200051332", share_bp=share_bp)


def on_shelf(store, seller, *, net_price: int = 1000, units: int = 1, title: str = "Lamp", tax_class: str = "standard"):
    """An offer of the seller with ``units`` on the store's shelf; returns (offer, level)."""
    offer = f.offer(seller, net_price=net_price, stock=0, title=title, tax_class=tax_class)
    level = StockLevel.objects.create(offer=offer, location=store.location, on_hand=units)
    return offer, level


def ledger_sums() -> dict[int, int]:
    """Σ lines per journal entry (every one must be 0)."""
    return {r["entry"]: r["s"] for r in JournalLine.objects.values("entry").annotate(s=Sum("amount"))}


def setup(*, partner_share: int | None = None):
    f.market("FR")
    store = sf.store("Comptoir Madrid", partner=partner(partner_share) if partner_share is not None else None)
    clerk = sf.staff(store)
    return store, clerk
