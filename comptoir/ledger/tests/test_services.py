import pytest
from django.db import connection

from comptoir.catalog.models import Category
from comptoir.ledger import errors
from comptoir.ledger.models import Account, AccountKind, JournalEntry, JournalLine
from comptoir.ledger.selectors import account_balance, entries_for_reference, seller_balance, trial_balance
from comptoir.ledger.services import (
    LineSpec,
    account_get_or_create,
    allocate_proportionally,
    commission_amount,
    commission_bp_for,
    entry_post,
    ledger_post_cancellation,
    ledger_post_capture,
    ledger_post_payment_capture,
    ledger_post_payout,
    ledger_post_refund,
)
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _accounts():
    a = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency="EUR")
    b = account_get_or_create(kind=AccountKind.COMMISSION_REVENUE, currency="EUR")
    return a, b


def test_account_get_or_create_returns_the_same_account_for_the_same_owner():
    first = account_get_or_create(kind="seller_payable", currency="EUR", owner_type="seller", owner_id=7)
    again = account_get_or_create(kind="seller_payable", currency="EUR", owner_type="seller", owner_id="7")
    other_currency = account_get_or_create(kind="seller_payable", currency="GBP", owner_type="seller", owner_id=7)
    assert first.pk == again.pk
    assert other_currency.pk != first.pk
    assert Account.objects.count() == 2


def test_account_get_or_create_refuses_an_owner_type_without_id():
    with pytest.raises(errors.LedgerError) as exc:
        account_get_or_create(kind="seller_payable", currency="EUR", owner_type="seller")
    assert exc.value.code == "ledger_owner_incomplete"


def test_entry_post_writes_balanced_lines_debit_positive():
    a, b = _accounts()
    entry = entry_post(kind="adjustment", reference="test:1", lines=[(a, 500), (b, -500)])
    assert [(line.account_id, line.amount, line.currency) for line in entry.lines.all()] == [
        (a.pk, 500, "EUR"),
        (b.pk, -500, "EUR"),
    ]
    assert account_balance(a) == 500
    assert account_balance(b) == -500


def test_entry_post_refuses_an_unbalanced_entry_and_writes_nothing():
    a, b = _accounts()
    with pytest.raises(errors.UnbalancedEntry) as exc:
        entry_post(kind="adjustment", reference="test:1", lines=[(a, 500), (b, -499)])
    assert exc.value.code == "ledger_unbalanced"
    assert "EUR +1" in exc.value.message
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0


def test_entry_post_refuses_an_empty_entry():
    with pytest.raises(errors.EmptyEntry):
        entry_post(kind="adjustment", reference="test:1", lines=[])


def test_entry_post_refuses_a_zero_line():
    a, b = _accounts()
    with pytest.raises(errors.ZeroLine):
        entry_post(kind="adjustment", reference="test:1", lines=[(a, 0), (b, 0)])


def test_entry_post_refuses_mixed_currencies_that_balance_only_in_total():
    eur = account_get_or_create(kind=AccountKind.CASH, currency="EUR", owner_type="provider", owner_id="test")
    gbp = account_get_or_create(kind=AccountKind.CASH, currency="GBP", owner_type="provider", owner_id="test")
    with pytest.raises(errors.UnbalancedEntry) as exc:
        entry_post(kind="adjustment", reference="fx:1", lines=[(eur, 100), (gbp, -100)])
    assert "EUR +100" in exc.value.message and "GBP -100" in exc.value.message


def test_entry_post_accepts_several_currencies_each_balanced():
    eur_a = account_get_or_create(kind=AccountKind.CASH, currency="EUR", owner_type="provider", owner_id="test")
    eur_b = account_get_or_create(kind=AccountKind.ADJUSTMENTS, currency="EUR")
    gbp_a = account_get_or_create(kind=AccountKind.CASH, currency="GBP", owner_type="provider", owner_id="test")
    gbp_b = account_get_or_create(kind=AccountKind.ADJUSTMENTS, currency="GBP")
    entry_post(kind="adjustment", reference="fx:1", lines=[(eur_a, 100), (eur_b, -100), (gbp_a, 90), (gbp_b, -90)])
    assert trial_balance() == {"EUR": 0, "GBP": 0}
    assert account_balance(gbp_a) == 90


def test_entry_post_refuses_a_line_in_another_currency_than_its_account():
    a, b = _accounts()
    with pytest.raises(errors.CurrencyMismatch):
        entry_post(kind="adjustment", reference="x", lines=[LineSpec(a, 100, "GBP"), LineSpec(b, -100, "GBP")])
    with pytest.raises(errors.CurrencyMismatch):
        entry_post(kind="adjustment", reference="x", currency="GBP", lines=[(a, 100), (b, -100)])


def test_entry_post_refuses_float_amounts():
    a, b = _accounts()
    with pytest.raises(errors.InvalidAmount):
        entry_post(kind="adjustment", reference="x", lines=[(a, 1.5), (b, -1.5)])


def test_entry_post_with_a_posted_unique_key_returns_the_existing_entry():
    a, b = _accounts()
    first = entry_post(kind="adjustment", reference="x", lines=[(a, 100), (b, -100)], unique_key="k1")
    second = entry_post(kind="adjustment", reference="x", lines=[(a, 100), (b, -100)], unique_key="k1")
    assert second.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert account_balance(a) == 100


def test_entry_post_refuses_a_unique_key_reused_for_another_event():
    a, b = _accounts()
    entry_post(kind="adjustment", reference="x", lines=[(a, 100), (b, -100)], unique_key="k1")
    with pytest.raises(errors.UniqueKeyConflict):
        entry_post(kind="adjustment", reference="y", lines=[(a, 100), (b, -100)], unique_key="k1")


def _capture(ref="seller_order:45", gross=12000, share=8800, commission=1200, vat=None, seller_id=3, key=None):
    return ledger_post_capture(
        seller_order_ref=ref, currency="EUR", gross_total=gross, seller_id=seller_id, seller_net_share=share,
        commission=commission, vat_by_market_marketplace_liable=vat if vat is not None else {"FR": 2000},
        unique_key=key or f"{ref}:capture",
    )


def _balance(kind, owner_type="", owner_id=""):
    return account_balance(Account.objects.get(kind=kind, owner_type=owner_type, owner_id=owner_id, currency="EUR"))


def test_capture_debits_buyer_clearing_and_credits_seller_commission_and_vat():
    entry = _capture(vat={"FR": 1500, "ES": 500})
    assert entry.reference == "seller_order:45:capture"
    assert _balance(AccountKind.BUYER_CLEARING) == 12000
    assert _balance(AccountKind.SELLER_PAYABLE, "seller", "3") == -8800
    assert _balance(AccountKind.COMMISSION_REVENUE) == -1200
    assert _balance(AccountKind.VAT_PAYABLE, "market", "FR") == -1500
    assert _balance(AccountKind.VAT_PAYABLE, "market", "ES") == -500
    assert seller_balance(seller_id=3, currency="EUR") == 8800
    assert_ledger_balanced()


def test_capture_refuses_parts_that_do_not_add_up_to_gross():
    with pytest.raises(errors.UnbalancedEntry) as exc:
        _capture(gross=12000, share=8800, commission=1200, vat={"FR": 1999})
    assert "11999" in exc.value.message
    assert JournalEntry.objects.count() == 0


def test_capture_is_idempotent_on_unique_key():
    first = _capture(key="cap-1")
    second = _capture(key="cap-1")
    assert first.pk == second.pk
    assert seller_balance(seller_id=3, currency="EUR") == 8800


def test_partial_refund_reverses_proportionally_seller_first():
    _capture()  # 12000 = 8800 seller + 1200 commission + 2000 FR VAT
    entry = ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=3000, unique_key="r1")
    assert entry.reference == "seller_order:45:refund"
    # seller 8800*3000/12000 = 2200, commission 300, VAT 500
    assert seller_balance(seller_id=3, currency="EUR") == 8800 - 2200
    assert _balance(AccountKind.COMMISSION_REVENUE) == -1200 + 300
    assert _balance(AccountKind.VAT_PAYABLE, "market", "FR") == -2000 + 500
    assert _balance(AccountKind.BUYER_CLEARING) == 12000 - 3000
    assert_ledger_balanced()


def test_refunds_that_add_up_to_the_capture_reverse_it_exactly():
    _capture(gross=1001, share=667, commission=101, vat={"FR": 133, "ES": 100})
    for i, amount in enumerate([333, 1, 500, 167]):
        ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=amount, unique_key=f"r{i}")
    assert seller_balance(seller_id=3, currency="EUR") == 0
    assert _balance(AccountKind.COMMISSION_REVENUE) == 0
    assert _balance(AccountKind.VAT_PAYABLE, "market", "FR") == 0
    assert _balance(AccountKind.VAT_PAYABLE, "market", "ES") == 0
    assert _balance(AccountKind.BUYER_CLEARING) == 0
    assert_ledger_balanced()


def test_refund_beyond_the_capture_is_refused():
    _capture()
    ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=11000, unique_key="r1")
    with pytest.raises(errors.RefundExceedsCapture):
        ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=1001, unique_key="r2")
    assert seller_balance(seller_id=3, currency="EUR") == 8800 - 8067  # 8800*11000/12000 = 8066.67 -> 8067


def test_refund_of_an_uncaptured_seller_order_is_refused():
    with pytest.raises(errors.NothingCaptured):
        ledger_post_refund(seller_order_ref="seller_order:99", currency="EUR", refund_gross=100, unique_key="r1")


def test_refund_is_idempotent_on_unique_key():
    _capture()
    first = ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=3000, unique_key="r1")
    again = ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=3000, unique_key="r1")
    assert first.pk == again.pk
    assert seller_balance(seller_id=3, currency="EUR") == 6600


def test_refund_with_explicit_parts_posts_them():
    _capture()
    ledger_post_refund(
        seller_order_ref="seller_order:45", currency="EUR", refund_gross=1200, unique_key="r1", seller_id=3,
        seller_net_share=1000, commission=0, vat_by_market_marketplace_liable={"FR": 200},
    )
    assert seller_balance(seller_id=3, currency="EUR") == 7800
    assert _balance(AccountKind.COMMISSION_REVENUE) == -1200
    assert _balance(AccountKind.VAT_PAYABLE, "market", "FR") == -1800


def test_refund_with_explicit_parts_beyond_a_part_is_refused():
    _capture()
    with pytest.raises(errors.RefundExceedsCapture):
        ledger_post_refund(
            seller_order_ref="seller_order:45", currency="EUR", refund_gross=2100, unique_key="r1",
            seller_net_share=0, commission=0, vat_by_market_marketplace_liable={"FR": 2100},
        )


def test_refund_with_parts_that_no_longer_fit_falls_back_to_the_split_in_proportion_when_asked():
    _capture()
    ledger_post_refund(
        seller_order_ref="seller_order:45", currency="EUR", refund_gross=2100, unique_key="r1", fallback_proportional=True,
        seller_net_share=0, commission=0, vat_by_market_marketplace_liable={"FR": 2100},
    )
    # 21.00 over 88.00 / 12.00 / 20.00: 15.40 seller, 2.10 commission, 3.50 VAT.
    assert seller_balance(seller_id=3, currency="EUR") == 8800 - 1540
    assert _balance(AccountKind.COMMISSION_REVENUE) == -(1200 - 210)
    assert _balance(AccountKind.VAT_PAYABLE, "market", "FR") == -(2000 - 350)
    # Parts that fit are posted as given.
    ledger_post_refund(
        seller_order_ref="seller_order:45", currency="EUR", refund_gross=1000, unique_key="r2", fallback_proportional=True,
        seller_net_share=900, commission=100, vat_by_market_marketplace_liable={},
    )
    assert seller_balance(seller_id=3, currency="EUR") == 8800 - 1540 - 900
    assert _balance(AccountKind.COMMISSION_REVENUE) == -(1200 - 210 - 100)
    assert_ledger_balanced()


def test_refund_for_the_wrong_seller_is_refused():
    _capture()
    with pytest.raises(errors.LedgerError) as exc:
        ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=100, unique_key="r1", seller_id=4)
    assert exc.value.code == "ledger_wrong_seller"


def test_cancellation_reverses_what_remains_after_a_refund():
    _capture()
    ledger_post_refund(seller_order_ref="seller_order:45", currency="EUR", refund_gross=3000, unique_key="r1")
    entry = ledger_post_cancellation(seller_order_ref="seller_order:45", currency="EUR", unique_key="c1")
    assert entry.reference == "seller_order:45:cancellation"
    assert seller_balance(seller_id=3, currency="EUR") == 0
    assert _balance(AccountKind.BUYER_CLEARING) == 0
    assert [e.kind for e in entries_for_reference("seller_order:45")] == ["capture", "refund", "cancellation"]
    assert_ledger_balanced()


def test_cancellation_before_capture_posts_nothing():
    assert ledger_post_cancellation(seller_order_ref="seller_order:46", currency="EUR", unique_key="c1") is None
    assert JournalEntry.objects.count() == 0


def test_payment_capture_and_order_capture_leave_buyer_clearing_at_zero():
    _capture()
    ledger_post_payment_capture(payment_ref="payment:1", provider="test", currency="EUR", amount=12000, unique_key="p1")
    assert _balance(AccountKind.BUYER_CLEARING) == 0
    assert _balance(AccountKind.CASH, "provider", "test") == 12000
    assert_ledger_balanced()


def test_payout_moves_the_seller_balance_and_refuses_more_than_owed():
    _capture()
    ledger_post_payout(seller_id=3, currency="EUR", amount=8000, unique_key="po1")
    assert seller_balance(seller_id=3, currency="EUR") == 800
    with pytest.raises(errors.InsufficientBalance):
        ledger_post_payout(seller_id=3, currency="EUR", amount=801, unique_key="po2")
    assert seller_balance(seller_id=3, currency="EUR") == 800


def test_allocate_proportionally_is_exact_and_bounded():
    assert allocate_proportionally(3000, [8800, 1200, 2000]) == [2200, 300, 500]
    assert allocate_proportionally(1, [1, 1]) == [1, 0]
    assert allocate_proportionally(10, [3, 3, 4]) == [3, 3, 4]
    assert allocate_proportionally(0, [3, 3, 4]) == [0, 0, 0]
    with pytest.raises(errors.InvalidAmount):
        allocate_proportionally(11, [3, 3, 4])


def test_commission_uses_the_seller_override_when_set():
    category = Category(slug="books", commission_bp=1200)
    assert commission_bp_for(category=category, seller=Seller(commission_bp=None)) == 1200
    assert commission_bp_for(category=category, seller=Seller(commission_bp=800)) == 800
    assert commission_bp_for(category=category, seller=Seller(commission_bp=0)) == 0


def test_commission_amount_rounds_half_up():
    assert commission_amount(1999, 1200) == 240  # 239.88
    assert commission_amount(125, 1000) == 13  # 12.5 -> 13
    assert commission_amount(124, 1000) == 12  # 12.4 -> 12
    with pytest.raises(ValueError):
        commission_amount(100, 10_001)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgres_trigger_refuses_an_unbalanced_entry_written_behind_the_service():
    from django.db import DatabaseError, transaction

    a, b = _accounts()
    entry = JournalEntry.objects.create(kind="adjustment", reference="raw")
    with pytest.raises(DatabaseError, match="does not balance"):
        with transaction.atomic():
            JournalLine.objects.create(entry=entry, account=a, amount=100, currency="EUR")
            JournalLine.objects.create(entry=entry, account=b, amount=-99, currency="EUR")
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ledger_journalline_balanced IMMEDIATE")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgres_trigger_refuses_editing_a_posted_line():
    from django.db import DatabaseError, transaction

    a, b = _accounts()
    entry = entry_post(kind="adjustment", reference="x", lines=[(a, 100), (b, -100)])
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            JournalLine.objects.filter(entry=entry).update(amount=5)
