"""A small shop for order tests: a buyer, two French sellers with stock, and a checkout helper."""
from __future__ import annotations

import uuid

from comptoir.orders.address import Address
from comptoir.orders.quote import LineRequest
from comptoir.orders.services import CardDetails, order_place

from . import factories as f

OK_CARD = CardDetails("4242424242424242", "12/34", "123")
DECLINED_CARD = CardDetails("4000000000000002", "12/34", "123")
LYON = Address(full_name="Ana Ruiz", line1="1 rue de la République", postcode="69001", city="Lyon", country="FR", phone="+33472103030")


def shop():
    f.market("FR")
    f.market("ES")
    buyer = f.user("buyer@example.com")
    s1, s2 = f.seller("Atelier Lyon", city_name="Lyon"), f.seller("Boutique Paris", city_name="Paris")
    a = f.offer(s1, net_price=1000, stock=5, title="Lamp")
    b = f.offer(s2, net_price=2550, stock=3, title="Chair", tax_class="books")
    return buyer, s1, s2, a, b


def place(buyer, lines, *, key=None, card=OK_CARD, address=LYON, **kw):
    return order_place(
        buyer=buyer,
        lines=[LineRequest(o.pk, q) for o, q in lines],
        address=address,
        card=card,
        idempotency_key=key or uuid.uuid4().hex,
        **kw,
    )
