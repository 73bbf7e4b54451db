"""The operator's order desk: /operator/orders/ (search) and /operator/orders/<ref>/ (one order:
parts, lines, payment and its events, journal entries, e-mails sent, refunds, audit log; cancel a
part, refund lines, parts or the whole order through the orders services).

Staff permissions decide: ``orders.view_order`` to use the desk, ``orders.refund_order`` to
refund or cancel (without it there is no refund button and a POST is refused with 403)."""
from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.audit.selectors import audit_entries_for
from comptoir.common.errors import DomainError
from comptoir.ledger.selectors import entries_for_reference
from comptoir.orders import selectors as order_selectors
from comptoir.orders.errors import NotFound
from comptoir.orders.models import Order, SellerOrderState
from comptoir.orders.services import order_refund, seller_order_cancel
from comptoir.orders.services.lifecycle import ledger_ref
from comptoir.orders.services.refunds import delivery_field, quantity_field
from comptoir.payments.selectors import payment_events, payment_get

PAGE_SIZE = 25
VIEW_PERMISSION = "orders.view_order"
REFUND_PERMISSION = "orders.refund_order"
CANCELLABLE_STATES = (SellerOrderState.PLACED, SellerOrderState.ACCEPTED)


def desk_required(permission: str):
    """Anonymous → login page; a signed-in user who is not active staff with ``permission`` → 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise PermissionDenied(_("Your staff account may not do this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class OrderSearchForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Order reference"), max_length=20, required=False)
    email = forms.CharField(label=gettext_lazy("Buyer e-mail"), max_length=254, required=False)
    seller = forms.CharField(label=gettext_lazy("Seller (name or number)"), max_length=120, required=False)
    date_from = forms.DateField(label=gettext_lazy("Placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@desk_required(VIEW_PERMISSION)
@require_GET
def order_list(request):
    form = OrderSearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    criteria = {k: v for k, v in form.cleaned_data.items() if v} if searched else {}
    orders = order_selectors.orders_search(**criteria) if (searched or not form.is_bound) else Order.objects.none()
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "operator/orders.html", {
        "form": form, "page": page, "criteria": criteria, "query": query.urlencode(),
    }, status=200 if not form.is_bound or searched else 400)


class RefundForm(forms.Form):
    """One quantity field per line (``qty_<line id>``), one delivery box per part
    (``delivery_<part id>``) and the reason."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the refund (kept with it and in the audit log)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, parts, left: dict[int, int], deliveries: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for part in parts:
            for line in part.lines.all():
                name = quantity_field(line.pk)
                self.fields[name] = forms.IntegerField(
                    label=_("Units of “%(title)s” to refund") % {"title": line.title}, min_value=0, max_value=line.quantity,
                    required=False, initial=0, widget=forms.NumberInput(attrs={"class": "qty"}),
                )
            if part.delivery_net + part.delivery_vat:
                self.fields[delivery_field(part.pk)] = forms.BooleanField(
                    label=_("Refund the delivery of %(number)s") % {"number": part.number}, required=False,
                )
        self.left, self.deliveries = left, deliveries

    def choice(self) -> tuple[dict[int, int], list[int]]:
        quantities = {int(name[4:]): value for name, value in self.cleaned_data.items() if name.startswith("qty_") and value}
        deliveries = [int(name[9:]) for name, value in self.cleaned_data.items() if name.startswith("delivery_") and value]
        return quantities, deliveries


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for cancelling"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def _order_or_404(reference: str) -> Order:
    try:
        return order_selectors.order_for_desk(reference)
    except NotFound:
        raise Http404(_("No such order.")) from None


def _field(form, name: str):
    return form[name] if form is not None and name in form.fields else None


def _detail(request, order: Order, *, refund_form=None, cancel_forms=None, status=200):
    parts = list(order.parts.all())
    left, deliveries = order_selectors.refund_left(parts)
    refunded = order_selectors.refunded_by_line([p.pk for p in parts])
    can_refund = request.user.has_perm(REFUND_PERMISSION)
    rows = []
    for part in parts:
        lines = [
            {"line": line, "refunded": refunded.get(line.pk), "field": _field(refund_form, quantity_field(line.pk))}
            for line in part.lines.all()
        ]
        rows.append({
            "part": part, "lines": lines,
            "delivery_field": _field(refund_form, delivery_field(part.pk)),
            "entries": list(entries_for_reference(f"{ledger_ref(part)}:")),
            "cancellable": can_refund and part.state in CANCELLABLE_STATES,
            "cancel_form": (cancel_forms or {}).get(part.pk) or CancelForm(prefix=f"cancel{part.pk}"),
            "refundable": part.pk in deliveries or any(line.pk in left for line in part.lines.all()),
        })
    payment = payment_get(payment_id=order.payment_id) if order.payment_id else None
    return render(request, "operator/order_detail.html", {
        "order": order, "rows": rows, "payment": payment,
        "payment_events": list(payment_events(payment)) if payment else [],
        "payment_entries": list(entries_for_reference(f"{payment.ref}:")) if payment else [],
        "emails": list(order.emails.all()),
        "refunds": [refund for part in parts for refund in part.refunds.all()],
        "audit": list(audit_entries_for(subject_type="orders.order", subject_key=order.reference)),
        "can_refund": can_refund, "refund_form": refund_form if (can_refund and (left or deliveries)) else None,
    }, status=status)


def _refund_form(order: Order, data=None) -> RefundForm:
    parts = list(order.parts.all())
    left, deliveries = order_selectors.refund_left(parts)
    return RefundForm(data, parts=[p for p in parts if p.state in order_selectors.REFUNDABLE_STATES], left=left, deliveries=deliveries)


@desk_required(VIEW_PERMISSION)
@require_GET
def order_detail(request, reference: str):
    order = _order_or_404(reference)
    return _detail(request, order, refund_form=_refund_form(order) if request.user.has_perm(REFUND_PERMISSION) else None)


@desk_required(REFUND_PERMISSION)
@require_POST
def order_refund_view(request, reference: str):
    order = _order_or_404(reference)
    form = _refund_form(order, request.POST)
    if form.is_valid():
        quantities, deliveries = form.choice()
        everything = request.POST.get("everything", "")
        if everything:
            # "Refund the whole order" or "Refund all of this part": what is left, nothing typed.
            quantities, deliveries = form.left, form.deliveries
            if everything != "order":
                part = next((p for p in order.parts.all() if str(p.pk) == everything), None)
                if part is None:
                    raise Http404
                ids = {line.pk for line in part.lines.all()}
                quantities = {k: v for k, v in quantities.items() if k in ids}
                deliveries = [d for d in deliveries if d == part.pk]
        try:
            refunds = order_refund(
                order_id=order.pk, operator=request.user, reason=form.cleaned_data["reason"],
                quantities=quantities, delivery_for=deliveries,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            total = sum(r.amount for r in refunds)
            from comptoir.orders.templatetags.orders_money import money

            messages.success(request, _("Refunded %(amount)s to the buyer.") % {"amount": money(total, order.currency)})
            return redirect("operator:order", reference=order.reference)
    return _detail(request, _order_or_404(reference), refund_form=form, status=400)


@desk_required(REFUND_PERMISSION)
@require_http_methods(["POST"])
def part_cancel(request, reference: str, number: str):
    order = _order_or_404(reference)
    part = next((p for p in order.parts.all() if p.number == number), None)
    if part is None:
        raise Http404(_("No such order."))
    form = CancelForm(request.POST, prefix=f"cancel{part.pk}")
    if form.is_valid():
        try:
            seller_order_cancel(seller_order_id=part.pk, operator=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("%(number)s is cancelled.") % {"number": part.number})
            return redirect("operator:order", reference=order.reference)
    return _detail(request, _order_or_404(reference), refund_form=_refund_form(order), cancel_forms={part.pk: form}, status=400)
