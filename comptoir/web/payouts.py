"""The weekly payout run as the operator starts it (page or ``comptoir payouts_run``): orders
names the seller orders whose return window is open, stores names its partners (who is paid,
where) and the till sales that may still come back (30 days); the ledger pays the rest.
(web is the one layer above all three.)"""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from comptoir.ledger.models import PayoutRun
from comptoir.ledger.payouts import payout_plan, payout_run_create
from comptoir.orders.selectors import seller_order_refs_in_return_window
from comptoir.stores.selectors import partner_payees, till_refs_in_return_window


def plan_now(currency: str = "EUR"):
    return payout_plan(
        currency=currency, open_seller_order_refs=seller_order_refs_in_return_window(),
        partners=partner_payees(), open_till_refs=till_refs_in_return_window(),
    )


def run_now(*, created_by=None, execution_date: dt.date | None = None) -> PayoutRun:
    return payout_run_create(
        open_seller_order_refs=seller_order_refs_in_return_window(), debtor=settings.PAYOUT_DEBTOR,
        execution_date=execution_date, created_by=created_by,
        partners=partner_payees(), open_till_refs=till_refs_in_return_window(),
    )
