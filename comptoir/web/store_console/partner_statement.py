"""A store partner's money: its balance (its share of the commission on its stores' in-store
sales, less returns and payouts), the payouts it received and every movement (page and CSV).
For the partner's members, and operators; another partner's statement is 404."""
from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.ledger.selectors import partner_statement, payouts_of_partner
from comptoir.stores.models import Partner
from comptoir.stores.selectors import partners_for_user

from .access import page_of, signed_in

CURRENCY = "EUR"


def _partner_or_404(request, partner_id: int) -> Partner:
    partner = partners_for_user(user=request.user).filter(pk=partner_id).first()
    if partner is None:
        raise Http404(_("No such partner."))
    return partner


@signed_in
@require_GET
def statement(request, partner_id: int):
    partner = _partner_or_404(request, partner_id)
    lines = partner_statement(partner_id=partner.pk, currency=CURRENCY)
    return render(request, "store_console/partner_statement.html", {
        "partner": partner, "page": page_of(request, list(reversed(lines)), 50), "currency": CURRENCY,
        "balance": lines[-1].balance if lines else 0, "payouts": list(payouts_of_partner(partner_id=partner.pk)[:20]),
    })


@signed_in
@require_GET
def statement_csv(request, partner_id: int):
    partner = _partner_or_404(request, partner_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comptoir-partner-statement-{partner.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "kind", "reference", "memo", "amount_minor", "balance_minor", "currency"])
    for line in partner_statement(partner_id=partner.pk, currency=CURRENCY):
        writer.writerow([line.at.isoformat(), line.kind, line.reference, line.memo, line.amount, line.balance, CURRENCY])
    return response
