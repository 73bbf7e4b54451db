"""Notification emails in the recipient's language; order and payment state labels with their own contexts."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import pgettext

from comptoir.orders.models import PaymentStatus as OrderPaymentStatus
from comptoir.orders.models import SellerOrderState
from comptoir.payments.models import PaymentStatus

from . import factories as f
from .helpers import place

pytestmark = pytest.mark.django_db


def _sellers_shop():
    f.market("FR")
    f.market("ES")
    buyer = f.user("buyer@example.com")
    sellers = {
        "fr": f.seller("Atelier Lyon", country="FR", city_name="Lyon"),
        "es": f.seller("Tienda Sevilla", country="ES", city_name="Sevilla"),
        "cn": f.seller("Shenzhen Trading", country="CN", city_name="Shenzhen"),
    }
    for key, seller in sellers.items():
        seller.members.create(user=f.user(f"owner-{key}@example.com"))
    offers = {key: f.offer(seller, net_price=1000, stock=5, title=f"Lamp {key}") for key, seller in sellers.items()}
    return buyer, sellers, offers


def test_each_seller_gets_the_new_order_email_in_the_language_of_its_country(compiled, django_capture_on_commit_callbacks):
    buyer, sellers, offers = _sellers_shop()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(offers["fr"], 1), (offers["es"], 2), (offers["cn"], 1)], language="en")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    number = {key: order.parts.get(seller=seller).number for key, seller in sellers.items()}

    fr = by_recipient["owner-fr@example.com"]
    assert fr.subject == f"Nouvelle commande {number['fr']}"
    assert fr.body.startswith(f"Nouvelle commande {number['fr']} à accepter.")
    assert "1 × Lamp fr — 10,00\u00a0€ HT" in fr.body
    assert "Livraison: Livraison standard — livrer à Ana Ruiz" in fr.body
    assert fr.body.rstrip().endswith("69001 Lyon, France")

    es = by_recipient["owner-es@example.com"]
    assert es.subject == f"Nuevo pedido {number['es']}"
    assert es.body.startswith(f"Nuevo pedido {number['es']} pendiente de aceptar.")
    assert "2 × Lamp es — 20,00\u00a0€ sin IVA" in es.body
    assert "Entrega: Envío estándar — enviar a Ana Ruiz" in es.body
    assert es.body.rstrip().endswith("69001 Lyon, Francia")  # the country in the reader's language

    cn = by_recipient["owner-cn@example.com"]  # no market for CN, and Chinese is no UI language: English
    assert cn.subject == f"New order {number['cn']}"
    assert cn.body.startswith(f"New order {number['cn']} to accept.")
    assert "Delivery: Standard delivery — ship to Ana Ruiz" in cn.body

    # the buyer reads English, whatever the sellers read
    assert by_recipient["buyer@example.com"].subject == f"Your order {order.reference} is confirmed"
    assert "Delivery address: Ana Ruiz, 1 rue de la République, 69001 Lyon, France" in by_recipient["buyer@example.com"].body


def test_buyer_email_subjects_are_translated(compiled, django_capture_on_commit_callbacks):
    buyer, _sellers, offers = _sellers_shop()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(offers["fr"], 1)], language="fr")
    assert mail.outbox[0].to == ["buyer@example.com"]
    assert mail.outbox[0].subject == f"Votre commande {order.reference} est confirmée"
    with django_capture_on_commit_callbacks(execute=True):
        order_es = place(buyer, [(offers["es"], 1)], language="es")
    assert mail.outbox[-2].subject == f"Tu pedido {order_es.reference} está confirmado"


def _in(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    assert text != msgid, f"no {language} text for {msgid!r}"
    return text % values


def test_emails_in_german_italian_portuguese_and_dutch(compiled, django_capture_on_commit_callbacks):
    """A German buyer reads German; sellers of Italy, Portugal and the Netherlands (no stored
    language) read their country's language; the words come from each catalogue."""
    f.market("FR")
    buyer = f.user("kaeufer@example.com")
    sellers = {
        country: f.seller(f"Shop {country}", country=country) for country in ("IT", "PT", "NL")  # stock in Lyon
    }
    for country, seller in sellers.items():
        seller.members.create(user=f.user(f"owner-{country.lower()}@example.com"))
    offers = [f.offer(seller, net_price=1000, stock=5, title=f"Lamp {country}") for country, seller in sellers.items()]
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(offer, 1) for offer in offers], language="de")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["kaeufer@example.com"].subject == _in("de", "Your order %(ref)s is confirmed", ref=order.reference)
    assert by_recipient["kaeufer@example.com"].subject == f"Ihre Bestellung {order.reference} ist bestätigt"
    assert "Frankreich" in by_recipient["kaeufer@example.com"].body  # the delivery country, in German
    for country, language in (("IT", "it"), ("PT", "pt"), ("NL", "nl")):
        number = order.parts.get(seller=sellers[country]).number
        email = by_recipient[f"owner-{country.lower()}@example.com"]
        assert email.subject == _in(language, "New order %(number)s", number=number)


def test_order_and_payment_states_are_translated_in_their_own_gender(compiled):
    with translation.override("fr"):
        assert str(SellerOrderState.CANCELLED.label) == "Annulée"  # une commande
        assert str(SellerOrderState.REFUNDED.label) == "Remboursée"
        assert str(PaymentStatus.CANCELLED.label) == "Annulé"  # un paiement
        assert str(PaymentStatus.REFUNDED.label) == "Remboursé"
        assert str(OrderPaymentStatus.CANCELLED.label) == "Annulé"
        assert pgettext("order state", "Cancelled") != pgettext("payment state", "Cancelled")
    with translation.override("es"):
        assert str(SellerOrderState.CANCELLED.label) == "Cancelado"  # un pedido
        assert str(PaymentStatus.REFUNDED.label) == "Reembolsado"  # un pago
        assert str(SellerOrderState.RETURN_REQUESTED.label) == "Devolución solicitada"
    with translation.override("en"):
        assert str(SellerOrderState.CANCELLED.label) == str(PaymentStatus.CANCELLED.label) == "Cancelled"
