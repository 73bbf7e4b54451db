"""The checkout page shows each delivery option's dates from the one promise, in words that fit."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from comptoir.orders.tests.helpers import shop

pytestmark = pytest.mark.django_db

ADDRESS = {"full_name": "Ana Ruiz", "line1": "1 rue de la République", "postcode": "69001", "city": "Lyon", "country": "FR", "phone": "0472103030"}


def test_checkout_options_show_the_promised_days_for_a_lyon_address():
    buyer, _s1, _s2, lamp, chair = shop()  # lamp from Lyon (0 km), chair from Paris (392 km); 1 handling day
    c = Client()
    c.force_login(buyer)
    c.cookies["django_language"] = "en"
    c.post("/cart/add/", {"offer_id": lamp.pk, "quantity": 1})
    c.post("/cart/add/", {"offer_id": chair.pk, "quantity": 1})
    with time_machine.travel(dt.datetime(2026, 7, 10, 9, tzinfo=ZoneInfo("Europe/Paris")), tick=False):  # Friday
        html = c.post("/checkout/", {**ADDRESS, "action": "update"}).content.decode()
    # Friday + 1 handling day = Monday 13; Tuesday 14 July is a French holiday.
    # Lyon (0 km): standard 1–2 days -> Wed 15 – Thu 16, express 1 day -> Wed 15 (one date, said once);
    # Paris (392 km): standard 2–3 -> Thu 16 – Fri 17, express 1–2 -> Wed 15 – Thu 16.
    options = [o.replace("\xa0", " ") for o in re.findall(r"delivered [^<]*", html)]  # days use no-break spaces
    assert "delivered between Wed\xa015\xa0Jul and Thu\xa016\xa0Jul" in html
    assert options == [
        "delivered between Wed 15 Jul and Thu 16 Jul", "delivered on Wed 15 Jul",
        "delivered between Thu 16 Jul and Fri 17 Jul", "delivered between Wed 15 Jul and Thu 16 Jul",
    ]


@pytest.mark.parametrize("language, days", [
    ("de", ["Lieferung zwischen Mi., 15. Juli und Do., 16. Juli", "Lieferung am Mi., 15. Juli",
            "Lieferung zwischen Do., 16. Juli und Fr., 17. Juli", "Lieferung zwischen Mi., 15. Juli und Do., 16. Juli"]),
    # CLDR pt_PT writes a short day with a numeric month: "quarta, 15/07"
    ("pt", ["entregue entre quarta, 15/07 e quinta, 16/07", "entregue na quarta, 15/07",
            "entregue entre quinta, 16/07 e sexta, 17/07", "entregue entre quarta, 15/07 e quinta, 16/07"]),
])
def test_checkout_options_write_the_days_in_the_buyers_language(language, days):
    buyer, _s1, _s2, lamp, chair = shop()
    c = Client()
    c.force_login(buyer)
    c.cookies["django_language"] = language
    c.post("/cart/add/", {"offer_id": lamp.pk, "quantity": 1})
    c.post("/cart/add/", {"offer_id": chair.pk, "quantity": 1})
    with time_machine.travel(dt.datetime(2026, 7, 10, 9, tzinfo=ZoneInfo("Europe/Paris")), tick=False):  # Friday
        html = c.post("/checkout/", {**ADDRESS, "action": "update"}).content.decode()
    spans = [s.replace("\xa0", " ") for s in re.findall(r'<label class="co-option">.*?<br><span class="muted">([^<]*)</span>', html, re.S)]
    assert spans == days
