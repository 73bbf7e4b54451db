"""Seller centre: balance statement (page and CSV) and payouts received (owners only)."""
from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse

from comptoir.ledger.selectors import payouts_of_seller, seller_statement

from .access import seller_member_required
from .views import _page

PAGE_SIZE = 50
CURRENCY = "EUR"


@seller_member_required(owner_only=True)
def statement(request, seller):
    lines = seller_statement(seller_id=seller.pk, currency=CURRENCY)
    page = Paginator(list(reversed(lines)), PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(request, "seller/statement.html", seller, "statement", page=page, currency=CURRENCY,
                 balance=lines[-1].balance if lines else 0, payouts=list(payouts_of_seller(seller_id=seller.pk)[:20]))


@seller_member_required(owner_only=True)
def statement_csv(request, seller):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comptoir-statement-{seller.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "kind", "reference", "memo", "amount_minor", "balance_minor", "currency"])
    for line in seller_statement(seller_id=seller.pk, currency=CURRENCY):
        writer.writerow([line.at.isoformat(), line.kind, line.reference, line.memo, line.amount, line.balance, CURRENCY])
    return response
