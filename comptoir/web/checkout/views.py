"""Cart, checkout, buyer orders and invoices, and the sellers' orders page. Thin: services do the work."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.common.errors import DomainError
from comptoir.markets.models import Market
from comptoir.orders import selectors, services
from comptoir.orders.address import Address
from comptoir.orders.models import PickupState, SellerOrderState
from comptoir.orders.pickup_code import pickup_qr_svg
from comptoir.orders.quote import destination_point
from comptoir.sellers.models import SellerRole
from comptoir.sellers.selectors import member_of, seller_may_trade

from .forms import CheckoutForm, ShipForm


def _session_key(request, create: bool) -> str | None:
    if not request.session.session_key and create:
        request.session.save()
    return request.session.session_key


def _cart(request, create: bool = False):
    return services.cart_for_request_owner(user=request.user, session_key=_session_key(request, create), create=create)


def _market(request, code: str | None = None) -> Market:
    if code:
        m = Market.objects.filter(code=code, is_active=True).first()
        if m:
            return m
    m = getattr(request, "market", None)
    if m:
        return m
    return Market.objects.filter(is_active=True).order_by("code").first()


def _lang() -> str:
    return (get_language() or "en")[:2]


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def cart(request):
    c = _cart(request)
    market = _market(request)
    city = getattr(request, "buyer_city", None)
    destination = (city.latitude, city.longitude) if city else None
    view = selectors.cart_view(cart=c, market=market, destination=destination, language=_lang())
    if c is not None:
        selectors.cart_acknowledge(c)
    return render(request, "checkout/cart.html", {"view": view, "market": market})


@require_POST
def cart_add(request):
    c = _cart(request, create=True)
    try:
        services.cart_add(cart=c, offer_id=_int(request.POST.get("offer_id"), 0), quantity=_int(request.POST.get("quantity"), 1))
        messages.success(request, _("Added to your cart."))
    except DomainError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("checkout:cart")


@require_POST
def cart_update(request):
    c = _cart(request)
    if c is None:
        return redirect("checkout:cart")
    try:
        services.cart_set_quantity(cart=c, offer_id=_int(request.POST.get("offer_id"), 0), quantity=_int(request.POST.get("quantity"), -1))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("checkout:cart")


def _address(data) -> Address:
    return Address(full_name=data.get("full_name", ""), line1=data.get("line1", ""), line2=data.get("line2", ""),
                   postcode=data.get("postcode", ""), city=data.get("city", ""), country=data.get("country", ""),
                   phone=data.get("phone", ""))


@login_required
def checkout(request):
    c = _cart(request)
    if request.method == "POST":
        done = selectors.order_for_idempotency_key(buyer=request.user, key=request.POST.get("idempotency_key", ""))
        if done is not None:  # a second click on Pay, or a resubmitted page: the same order
            return redirect("checkout:order", reference=done.reference)
    if c is None or not c.lines.exists():
        messages.info(request, _("Your cart is empty."))
        return redirect("checkout:cart")
    data = request.POST if request.method == "POST" else None
    initial = {"idempotency_key": uuid.uuid4().hex, "country": _market(request).code, "full_name": request.user.get_full_name()}
    if data is not None and data.get("action") != "pay":
        # "Update totals" (or a changed delivery/country): redisplay, no validation errors yet.
        form = CheckoutForm(initial={**initial, **{k: v for k, v in data.items() if k not in {"csrfmiddlewaretoken", "action", "focus"}}})
    else:
        form = CheckoutForm(data, initial=initial)
    country = (data or {}).get("country") or initial["country"]
    market = _market(request, country)
    choices = {k[len("delivery_"):]: v for k, v in (data or {}).items() if k.startswith("delivery_")}
    destination = destination_point(country=market.code, postcode=(data or {}).get("postcode", ""), city=(data or {}).get("city", ""))
    try:
        view = selectors.cart_view(cart=c, market=market, destination=destination, delivery_choices=choices, language=_lang(), pickup=True)
    except DomainError as exc:
        form.add_error(None, exc.message)
        choices = {}
        view = selectors.cart_view(cart=c, market=market, destination=destination, language=_lang(), pickup=True)
    if request.method == "POST" and request.POST.get("action") == "pay" and form.is_valid():
        cd = form.cleaned_data
        try:
            order = services.order_place(
                buyer=request.user, cart=c, address=_address(cd), delivery_choices=choices,
                card=services.CardDetails(cd["card_number"].replace(" ", ""), cd["card_expiry"], cd["card_cvc"]),
                idempotency_key=cd["idempotency_key"], expected_total=cd["expected_total"], language=_lang(),
            )
            return redirect("checkout:order", reference=order.reference)
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field == "card":
                field = "card_number"
            form.add_error(field, exc.message)
            if exc.code in {"payment_declined", "invalid_card", "expired_card"}:
                pass
            view = selectors.cart_view(cart=c, market=market, destination=destination, delivery_choices=choices, language=_lang(), pickup=True)
    total = view.quote.totals.gross if view.quote else 0
    if form.is_bound:
        form.data = form.data.copy()
        form.data["expected_total"] = str(total)
    else:
        form.initial["expected_total"] = total
    return render(request, "checkout/checkout.html", {
        "form": form, "view": view, "market": market, "choices": choices, "focus_group": _refocus(form, data),
    })


def _refocus(form, data) -> str:
    """The field that has the focus after "Update totals" when comptoir.js pressed it for a country
    or a delivery choice ("focus" posted): the keyboard user keeps their place (WCAG 3.2.2). A form
    field gets autofocus here; for "delivery_<group>" the group's key is returned and the template
    puts autofocus on the group's chosen option."""
    if data is None or data.get("action") != "update":
        return ""
    name = data.get("focus", "")
    if name in form.fields and not form.fields[name].widget.is_hidden:
        form.fields[name].widget.attrs["autofocus"] = True
        return name
    return name[len("delivery_"):] if name.startswith("delivery_") else ""


@login_required
def order_list(request):
    return render(request, "checkout/orders.html", {"orders": selectors.orders_for_buyer(request.user)[:100]})


def _own_order(request, reference):
    try:
        return selectors.order_for_buyer(buyer=request.user, reference=reference)
    except DomainError:
        raise Http404 from None


@login_required
def order_detail(request, reference):
    order = _own_order(request, reference)
    parts = list(order.parts.select_related("seller", "pickup_location").prefetch_related("lines"))
    pickups = {p.seller_order_id: p for p in selectors.pickups_of_order(order)}
    for part in parts:
        part.collect = pickups.get(part.pk)
        part.collect_qr = mark_safe(pickup_qr_svg(part.collect.code)) if part.collect else ""  # noqa: S308 - segno's own SVG
    return render(request, "checkout/order.html", {
        "order": order, "parts": parts, "breakdown": selectors.order_vat_breakdown(order), "S": SellerOrderState,
        "P": PickupState,
    })


@login_required
@require_POST
def order_part_cancel(request, reference, number):
    order = _own_order(request, reference)
    part = order.parts.filter(number=number).first()
    if part is None:
        raise Http404
    try:
        services.seller_order_cancel(seller_order_id=part.pk, buyer=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("This part of your order was cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("checkout:order", reference=reference)


@login_required
@require_POST
def order_part_return(request, reference, number):
    order = _own_order(request, reference)
    part = order.parts.filter(number=number).first()
    if part is None:
        raise Http404
    try:
        services.seller_order_return_request(seller_order_id=part.pk, buyer=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Your return request was sent to the seller."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("checkout:order", reference=reference)


@login_required
def invoice(request, reference, number):
    """Printable invoice of one seller order, for its buyer or for a member of its seller."""
    part = None
    order = selectors.orders_for_buyer(request.user).filter(reference=reference).first()
    if order is not None:
        part = order.parts.filter(number=number).select_related("seller", "order").first()
    if part is None:
        try:
            part = selectors.seller_order_for_user(user=request.user, number=number)
        except DomainError:
            raise Http404 from None
        if part.order.reference != reference:
            raise Http404
    return render(request, "checkout/invoice.html", {
        "part": part, "order": part.order, "lines": part.lines.all(), "breakdown": selectors.part_vat_breakdown(part),
    })


@login_required
def seller_orders(request):
    sellers = selectors.sellers_of_user(request.user)
    if not sellers:
        raise Http404
    state = request.GET.get("state") or ""
    rows = []
    for seller in sellers:
        qs = selectors.seller_orders_for_seller(seller)
        if state in SellerOrderState.values:
            qs = qs.filter(state=state)
        rows += list(qs[:200])
    return render(request, "sellerorders/list.html", {
        "sellers": sellers, "parts": rows, "not_trading": {s.pk for s in sellers if not seller_may_trade(s)},
        "owner_of": {s.pk for s in sellers if member_of(user=request.user, seller_id=s.pk).role == SellerRole.OWNER}, "states": SellerOrderState.choices, "state": state,
        "focus_state": request.GET.get("focus") == "state",  # the state select reloaded the page (comptoir.js)
        "ship_form": ShipForm(), "S": SellerOrderState,
    })


@login_required
@require_POST
def seller_order_action(request, number, action):
    try:
        part = selectors.seller_order_for_user(user=request.user, number=number)
    except DomainError:
        raise Http404 from None
    seller = part.seller
    try:
        if action == "accept":
            services.seller_order_accept(seller_order_id=part.pk, seller=seller)
        elif action == "ship":
            form = ShipForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Carrier and tracking number are required."))
                return redirect("checkout:seller_orders")
            services.seller_order_ship(seller_order_id=part.pk, seller=seller, **form.cleaned_data)
        elif action == "deliver":
            services.seller_order_deliver(seller_order_id=part.pk, seller=seller)
        elif action == "cancel":
            services.seller_order_cancel(seller_order_id=part.pk, seller=seller, reason=request.POST.get("reason", ""))
        elif action == "receive":
            services.seller_order_return_receive(seller_order_id=part.pk, seller=seller)
        elif action == "refund":
            if member_of(user=request.user, seller_id=seller.pk).role != SellerRole.OWNER:
                messages.error(request, _("Only the seller's owners can refund."))
                return redirect("checkout:seller_orders")
            services.seller_order_refund(seller_order_id=part.pk, seller=seller)
        else:
            return HttpResponseBadRequest("unknown action")
        messages.success(request, _("Order %(number)s updated.") % {"number": number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("checkout:seller_orders")
