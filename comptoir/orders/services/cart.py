"""Cart writes: one cart per signed-in user or per anonymous session; merged on login."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.inventory.models import Offer

from ..errors import InvalidQuantity, OfferUnavailable
from ..models import MAX_LINE_QUANTITY, Cart, CartLine


def _check_quantity(quantity) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity(_("Quantity must be between 1 and %(max)d.") % {"max": MAX_LINE_QUANTITY}, field="quantity")
    return quantity


def cart_for_request_owner(*, user=None, session_key: str | None = None, create: bool = True) -> Cart | None:
    """The signed-in user's cart, else the session's cart (None when absent and create=False)."""
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            try:
                with transaction.atomic():
                    cart = Cart.objects.create(user=user)
            except IntegrityError:
                cart = Cart.objects.get(user=user)
        return cart
    if not session_key:
        return None
    cart = Cart.objects.filter(session_key=session_key, user__isnull=True).first()
    if cart is None and create:
        try:
            with transaction.atomic():
                cart = Cart.objects.create(session_key=session_key)
        except IntegrityError:
            cart = Cart.objects.get(session_key=session_key)
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, offer_id: int, quantity: int = 1) -> CartLine:
    """Add units of an active offer (adds to an existing line). Refuses a withdrawn offer."""
    _check_quantity(quantity)
    offer = Offer.objects.filter(pk=offer_id, is_active=True, product__is_active=True).first()
    if offer is None:
        raise OfferUnavailable(_("This offer is no longer available."), field="offer")
    line = CartLine.objects.select_for_update().filter(cart=cart, offer=offer).first()
    if line is None:
        return CartLine.objects.create(cart=cart, offer=offer, quantity=quantity, seen_unit_net=offer.net_price)
    line.quantity = _check_quantity(line.quantity + quantity)
    line.seen_unit_net = offer.net_price
    line.save(update_fields=["quantity", "seen_unit_net"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, offer_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes the line."""
    if quantity == 0:
        cart_remove(cart=cart, offer_id=offer_id)
        return None
    _check_quantity(quantity)
    line = CartLine.objects.filter(cart=cart, offer_id=offer_id).first()
    if line is None:
        return cart_add(cart=cart, offer_id=offer_id, quantity=quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def cart_remove(*, cart: Cart, offer_id: int) -> None:
    CartLine.objects.filter(cart=cart, offer_id=offer_id).delete()


@transaction.atomic
def cart_merge(*, session_key: str | None, user) -> Cart:
    """On login: move the anonymous session cart's lines into the user's cart (quantities add up, capped)."""
    target = cart_for_request_owner(user=user)
    if not session_key:
        return target
    source = Cart.objects.filter(session_key=session_key, user__isnull=True).first()
    if source is None or source.pk == target.pk:
        return target
    existing = {line.offer_id: line for line in target.lines.all()}
    for line in source.lines.all():
        mine = existing.get(line.offer_id)
        if mine is None:
            CartLine.objects.create(cart=target, offer_id=line.offer_id, quantity=line.quantity, seen_unit_net=line.seen_unit_net)
        else:
            mine.quantity = min(MAX_LINE_QUANTITY, mine.quantity + line.quantity)
            mine.save(update_fields=["quantity"])
    source.delete()
    return target
