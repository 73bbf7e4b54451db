"""Seller-order events sent to the seller's webhooks (``sellers.webhooks``): orders builds the
payload and calls down explicitly where each event happens (placed: the confirmation task;
cancelled and return requested: the lifecycle services)."""
from __future__ import annotations

from comptoir.sellers.models import WebhookEvent
from comptoir.sellers.webhooks import webhook_emit

from .models import SellerOrder


def seller_order_payload(part: SellerOrder) -> dict:
    """What a seller's system needs to act on one of its seller orders (amounts in minor units)."""
    order = part.order
    return {
        "seller_order": {
            "number": part.number, "order_reference": order.reference, "state": part.state, "currency": order.currency,
            "delivery_method": part.delivery_method, "promised_from": part.promised_from, "promised_to": part.promised_to,
            "goods_net": part.goods_net, "vat_total": part.vat_total, "total_gross": part.total_gross,
            "cancel_reason": part.cancel_reason, "cancelled_by": part.cancelled_by, "return_reason": part.return_reason,
            "ship_to": {"name": order.full_name, "postcode": order.postcode, "city": order.city_name, "country": order.country},
            "lines": [
                {"offer_id": line.offer_id, "title": line.title, "quantity": line.quantity, "unit_net": line.unit_net,
                 "line_gross": line.line_gross}
                for line in part.lines.all()
            ],
        }
    }


def seller_order_emit(part: SellerOrder, event: WebhookEvent) -> None:
    webhook_emit(seller_id=part.seller_id, event=event, data=seller_order_payload(part))
