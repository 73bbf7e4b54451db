"""Random sequences of captures and refunds keep the journal balanced and each seller's balance
equal to the share it is owed."""
from fractions import Fraction
from math import floor

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.ledger.selectors import seller_balance, trial_balance
from comptoir.ledger.services import ledger_post_capture, ledger_post_refund

SELLERS = [1, 2, 3]

capture_st = st.tuples(
    st.sampled_from(SELLERS),
    st.integers(0, 50_000),  # seller share
    st.integers(0, 5_000),  # commission
    st.integers(0, 8_000),  # FR VAT
    st.integers(0, 3_000),  # ES VAT
).filter(lambda c: sum(c[1:]) > 0)
# a refund: (which capture, fraction of what remains, in thousandths)
refund_st = st.tuples(st.integers(0, 20), st.integers(1, 1000))


def half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(captures=st.lists(capture_st, min_size=1, max_size=6), refunds=st.lists(refund_st, max_size=12))
def test_random_captures_and_refunds_keep_the_books_balanced(captures, refunds):
    with transaction.atomic():
        expected = {s: 0 for s in SELLERS}
        remaining = []  # per capture: [seller_id, seller share left, gross left]
        for i, (seller_id, share, commission, fr, es) in enumerate(captures):
            gross = share + commission + fr + es
            ledger_post_capture(
                seller_order_ref=f"so:{i}", currency="EUR", gross_total=gross, seller_id=seller_id,
                seller_net_share=share, commission=commission, vat_by_market_marketplace_liable={"FR": fr, "ES": es},
                unique_key=f"so:{i}:capture",
            )
            expected[seller_id] += share
            remaining.append([seller_id, share, gross])
        for j, (which, thousandths) in enumerate(refunds):
            i = which % len(remaining)
            seller_id, share_left, gross_left = remaining[i]
            if gross_left == 0:
                continue
            amount = max(1, gross_left * thousandths // 1000)
            ledger_post_refund(seller_order_ref=f"so:{i}", currency="EUR", refund_gross=amount, unique_key=f"r:{j}")
            seller_part = half_up(Fraction(share_left * amount, gross_left))
            expected[seller_id] -= seller_part
            remaining[i] = [seller_id, share_left - seller_part, gross_left - amount]
            assert trial_balance("EUR") == {"EUR": 0}
        for seller_id in SELLERS:
            assert seller_balance(seller_id=seller_id, currency="EUR") == expected[seller_id]
        for seller_id, share_left, gross_left in remaining:
            assert 0 <= share_left <= gross_left
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capture=capture_st, cuts=st.lists(st.integers(1, 999), max_size=6))
def test_refunds_adding_up_to_the_capture_return_every_account_to_zero(capture, cuts):
    with transaction.atomic():
        seller_id, share, commission, fr, es = capture
        gross = share + commission + fr + es
        ledger_post_capture(
            seller_order_ref="so:x", currency="EUR", gross_total=gross, seller_id=seller_id, seller_net_share=share,
            commission=commission, vat_by_market_marketplace_liable={"FR": fr, "ES": es}, unique_key="so:x:capture",
        )
        points = sorted({gross * c // 1000 for c in cuts} | {0, gross})
        for k, (a, b) in enumerate(zip(points, points[1:])):
            if b > a:
                ledger_post_refund(seller_order_ref="so:x", currency="EUR", refund_gross=b - a, unique_key=f"r{k}")
        from comptoir.ledger.selectors import accounts_with_balances

        assert {a.kind: a.balance for a in accounts_with_balances() if a.balance} == {}
        assert seller_balance(seller_id=seller_id, currency="EUR") == 0
        transaction.set_rollback(True)
