"""Notification emails, sent by background tasks (Django tasks API) in the recipient's language."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from comptoir.markets.languages import countries_ui_language

from comptoir.sellers.models import WebhookEvent

from .events import seller_order_emit
from .models import Order, Pickup, SellerOrder, SentEmail
from .pickup_code import pickup_qr_png
from .pricing import DELIVERY_PRICES
from .selectors import order_vat_breakdown


def _send(
    *, order: Order, to: list[str], subject: str, template: str, context: dict, language: str,
    seller_order: SellerOrder | None = None, attachments=(),
) -> int:
    """Send one e-mail and record it on the order (the order desk lists what was sent)."""
    to = [t for t in to if t]
    if not to:
        return 0
    with translation.override(language):
        body = render_to_string(template, context)
        subject = str(subject)
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    sent = message.send()
    if sent:
        SentEmail.objects.create(
            order=order, seller_order=seller_order, to=", ".join(to)[:500], subject=subject[:250], template=template, language=language,
        )
    return sent


def _pickup_qr_attachments(parts) -> list[tuple[str, bytes, str]]:
    """One QR code (PNG) per collected part: the clerk scans it into the code field."""
    return [(f"pickup-{part.number}.png", pickup_qr_png(part.pickup.code), "image/png") for part in parts if _pickup_of(part)]


def _pickup_of(part: SellerOrder):
    try:
        return part.pickup
    except Pickup.DoesNotExist:
        return None


def _subject(language: str, text: str, **kw) -> str:
    """``text`` (marked with gettext_noop so makemessages extracts it) translated into ``language``."""
    from django.utils.translation import gettext

    with translation.override(language):
        return gettext(text) % kw


def _delivery_label(part: SellerOrder):
    """The delivery method's label, translated when rendered (the stored label is in the buyer's language)."""
    method = DELIVERY_PRICES.get(part.delivery_method)
    return method[0] if method else part.delivery_label


@task()
def notify_order_placed(order_id: int) -> int:
    """Order confirmation to the buyer (their language), a new-order email to each seller
    (the seller's language, else its country's: its market's default UI language, see
    ``markets.languages``) and the ``order.created`` event to each seller's webhooks."""
    order = Order.objects.select_related("buyer").get(pk=order_id)
    parts = list(order.parts.select_related("seller", "pickup", "pickup_location").prefetch_related("lines"))
    sent = _send(
        order=order, to=[order.email],
        subject=_subject(order.language, gettext_noop("Your order %(ref)s is confirmed"), ref=order.reference),
        template="orders/email/confirmation.txt",
        context={"order": order, "parts": parts, "breakdown": order_vat_breakdown(order)},
        language=order.language, attachments=_pickup_qr_attachments(parts),
    )
    languages = countries_ui_language(part.seller.country for part in parts)
    for part in parts:
        emails = [m.user.email for m in part.seller.members.select_related("user")]
        language = part.seller.language or languages[part.seller.country.upper()]
        sent += _send(
            order=order, seller_order=part, to=emails,
            subject=_subject(language, gettext_noop("New order %(number)s"), number=part.number),
            template="orders/email/seller_new_order.txt",
            context={"order": order, "part": part, "delivery": _delivery_label(part)},
            language=language,
        )
        seller_order_emit(part, WebhookEvent.ORDER_CREATED)
    return sent


@task()
def notify_shipped(seller_order_id: int) -> int:
    part = SellerOrder.objects.select_related("order", "seller").get(pk=seller_order_id)
    order = part.order
    return _send(
        order=order, seller_order=part, to=[order.email],
        subject=_subject(order.language, gettext_noop("Your order %(ref)s has shipped"), ref=order.reference),
        template="orders/email/shipped.txt",
        context={"order": order, "part": part},
        language=order.language,
    )


@task()
def notify_refunded(seller_order_id: int, amount: int | None = None) -> int:
    """The buyer is told the amount of this refund (minor units) and, when the part was refunded
    before, the total refunded on it so far. ``amount`` None: a task queued before it was passed,
    which states the part's refunded total."""
    part = SellerOrder.objects.select_related("order", "seller").get(pk=seller_order_id)
    order = part.order
    amount = part.refunded_amount if amount is None else amount
    return _send(
        order=order, seller_order=part, to=[order.email],
        subject=_subject(order.language, gettext_noop("Refund for your order %(ref)s"), ref=order.reference),
        template="orders/email/refunded.txt",
        context={"order": order, "part": part, "amount": amount, "total": part.refunded_amount},
        language=order.language,
    )


@task()
def notify_pickup_ready(seller_order_id: int) -> int:
    """The store has the order ready: the buyer comes with the code (and its QR code) by the date."""
    part = SellerOrder.objects.select_related("order", "seller", "pickup", "pickup_location").get(pk=seller_order_id)
    order = part.order
    return _send(
        order=order, seller_order=part, to=[order.email],
        subject=_subject(order.language, gettext_noop("Your order %(ref)s is ready for collection"), ref=order.reference),
        template="orders/email/pickup_ready.txt",
        context={"order": order, "part": part, "pickup": part.pickup},
        language=order.language, attachments=_pickup_qr_attachments([part]),
    )
