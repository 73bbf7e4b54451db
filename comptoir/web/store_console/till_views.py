"""Store console: the till (open with a float, scan or search, basket, cash or card, close with
a cash-up), receipts (HTML to print, PDF), Z reports, returns, today's reservations, the sales
journal with its chain check, and the manager's figures. Views are thin: the services of
comptoir.stores do the work; domain errors become messages on the page."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.common.errors import DomainError
from comptoir.common.money import parse_decimal_to_minor
from comptoir.stores import sales_selectors as selectors
from comptoir.stores import services
from comptoir.stores.models import PosSale, ReservationState, SalesJournalEntry, TillSession

from .access import page_of, query_without_page, store_page
from .receipt_pdf import receipt_pdf


def _amount(request, name: str, currency: str) -> int:
    raw = (request.POST.get(name) or "").strip()
    try:
        value = parse_decimal_to_minor(raw, currency)
    except (ValueError, ArithmeticError):
        raise DomainError(_("Enter an amount such as 50 or 12.50."), code="amount_invalid", field=name) from None
    if value < 0:
        raise DomainError(_("Enter an amount such as 50 or 12.50."), code="amount_invalid", field=name)
    return value


def _open_session(store, user) -> TillSession | None:
    return selectors.open_till_session(store=store, user=user)


@store_page()
def till(request, store):
    """The till: the open form, or the scan field, the shelf search, the basket and payment."""
    session = _open_session(store, request.user)
    if session is None:
        return render(request, "store_console/till_open.html", {
            "store": store, "active": "till", "recent": selectors.till_sessions(store=store)[:5],
        })
    q = (request.GET.get("q") or "").strip()[:100]
    priced = services.basket_priced(session)
    return render(request, "store_console/till.html", {
        "store": store, "active": "till", "session": session, "basket": priced,
        "total": sum(p.gross for p in priced), "vat": sum(p.vat for p in priced), "q": q,
        "found": selectors.shelf_search(store=store, q=q)[:20] if q else [],
        "last": PosSale.objects.filter(session=session).order_by("-pk").first(),
        "reservations": [r for r in selectors.reservations_today(store=store) if r.live][:10],
    })


@store_page()
@require_POST
def till_action(request, store, action: str):
    session = _open_session(store, request.user)
    try:
        if action == "open":
            services.till_open(store=store, user=request.user, opening_float=_amount(request, "float", store.market.currency),
                               till=selectors.till_number_for(store=store, user=request.user))
            messages.success(request, _("Till open."))
        elif session is None:
            messages.error(request, _("Open the till first."))
        elif action == "scan":
            services.basket_add_gtin(session=session, gtin=request.POST.get("gtin", ""))
        elif action == "add":
            services.basket_add_level(session=session, stock_level_id=int(request.POST.get("level") or 0))
        elif action == "reservation":
            services.basket_add_reservation(session=session, reservation_id=int(request.POST.get("reservation") or 0))
            messages.success(request, _("The reserved unit is in the basket."))
        elif action == "remove":
            services.basket_remove(session=session, hold_id=int(request.POST.get("line") or 0))
        elif action == "pay":
            method = request.POST.get("method", "")
            cash = _amount(request, "cash_given", session.currency) if method == "cash" else None
            sale = services.sale_pay(session=session, user=request.user, method=method, cash_given=cash)
            messages.success(request, _("Paid. Receipt %(n)s.") % {"n": sale.number})
            return redirect("store_console:receipt", slug=store.slug, number=sale.number)
        elif action == "close":
            closed = services.till_close(session=session, user=request.user, counted_cash=_amount(request, "counted", session.currency))
            return redirect("store_console:z_report", slug=store.slug, number=closed.number)
        else:
            raise Http404()
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, _("That line is not on this shelf."))
    return redirect("store_console:till", slug=store.slug)


def _sale_or_404(store, number: str) -> PosSale:
    sale = PosSale.objects.filter(store=store, number=number).select_related("store__location__city", "clerk", "returned_sale").first()
    if sale is None:
        raise Http404(_("No such receipt at this store."))
    return sale


@store_page()
def receipt(request, store, number: str):
    sale = _sale_or_404(store, number)
    entry = SalesJournalEntry.objects.filter(store=store, reference=sale.number).first()
    return render(request, "store_console/receipt.html", {
        "store": store, "sale": sale, "lines": list(sale.lines.all()), "entry": entry,
        "vat": selectors.receipt_vat(sale), "auto_print": request.GET.get("print") == "1",
    })


@store_page()
def receipt_download(request, store, number: str):
    sale = _sale_or_404(store, number)
    entry = SalesJournalEntry.objects.filter(store=store, reference=sale.number).first()
    response = HttpResponse(receipt_pdf(sale, list(sale.lines.all()), entry), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{sale.number}.pdf"'
    return response


@store_page()
def sessions(request, store):
    return render(request, "store_console/till_sessions.html", {
        "store": store, "active": "till", "page": page_of(request, selectors.till_sessions(store=store)),
        "query": query_without_page(request),
    })


@store_page()
def z_report(request, store, number: int):
    session = TillSession.objects.filter(store=store, number=number).select_related("opened_by", "closed_by").first()
    if session is None:
        raise Http404(_("No such till session."))
    return render(request, "store_console/z_report.html", {
        "store": store, "active": "till", "session": session, "totals": services.session_totals(session),
        "entry": SalesJournalEntry.objects.filter(store=store, reference=f"Z{session.number}").first(),
    })


@store_page()
def returns(request, store):
    """A return at the till: an in-store receipt (units back on the shelf) or an online order."""
    session = _open_session(store, request.user)
    sale = None
    number = (request.GET.get("receipt") or request.POST.get("receipt") or "").strip()[:32]
    if number:
        sale = PosSale.objects.filter(store=store, number=number, kind="sale").first()
        if sale is None:
            messages.error(request, _("No sale %(n)s at this store.") % {"n": number})
    if request.method == "POST" and session is not None:
        try:
            amount = _amount(request, "amount", store.market.currency)
            if request.POST.get("kind") == "order":
                refund = services.order_return(session=session, user=request.user, seller_order_number=request.POST.get("order", ""), amount=amount)
            else:
                units = {int(k[5:]): int(v or 0) for k, v in request.POST.items() if k.startswith("unit_") and v.strip()}
                refund = services.sale_return(session=session, user=request.user, receipt_number=number, amount=amount, units=units)
            messages.success(request, _("Refunded. Receipt %(n)s.") % {"n": refund.number})
            return redirect("store_console:receipt", slug=store.slug, number=refund.number)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Enter whole units."))
    return render(request, "store_console/returns.html", {
        "store": store, "active": "till", "session": session, "sale": sale, "number": number,
        "lines": list(sale.lines.all()) if sale else [], "refundable": services.sale_refundable(sale) if sale else 0,
    })


@store_page()
def reservations(request, store):
    state = request.GET.get("state", "")
    rows = selectors.reservations_for_store(store=store, state=state)
    return render(request, "store_console/reservations.html", {
        "store": store, "active": "reservations", "today": selectors.reservations_today(store=store),
        "page": page_of(request, rows), "query": query_without_page(request), "state": state, "now": timezone.now(),
        "has_session": _open_session(store, request.user) is not None, "states": ReservationState.choices,
    })


@store_page()
@require_POST
def reservation_release(request, store, reservation_id: int):
    try:
        services.reservation_release(store=store, reservation_id=reservation_id)
        messages.success(request, _("Reservation released: the unit is back on the shelf."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("store_console:reservations", slug=store.slug)


@store_page()
def journal(request, store):
    check = services.journal_verify(store=store) if request.GET.get("check") else None
    rows = SalesJournalEntry.objects.filter(store=store).order_by("-created_at", "-pk")
    return render(request, "store_console/journal.html", {
        "store": store, "active": "journal", "page": page_of(request, rows), "query": query_without_page(request), "check": check,
    })


@store_page(manager=True)
def report(request, store):
    days = selectors.report_days(request.GET.get("days"))
    return render(request, "store_console/report.html", {
        "store": store, "active": "report", "days": days, "choices": selectors.REPORT_DAYS,
        "r": selectors.store_report(store=store, days=days),
    })
