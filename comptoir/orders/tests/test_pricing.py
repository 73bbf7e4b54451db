"""Property tests for VAT and totals (pure, no database)."""
from hypothesis import given
from hypothesis import strategies as st

from comptoir.common.money import apply_rate_bp
from comptoir.orders.pricing import price_line, totals, vat_breakdown

rates = st.sampled_from([0, 210, 400, 550, 700, 1000, 1900, 2000, 2100, 2200, 2700])
lines = st.lists(
    st.tuples(st.integers(min_value=1, max_value=10_000_000), st.integers(min_value=1, max_value=99), rates),
    min_size=1, max_size=30,
)


@given(lines)
def test_line_net_is_unit_times_quantity_and_vat_is_rounded_once_per_line(items):
    for unit, qty, rate in items:
        p = price_line(unit_net=unit, quantity=qty, rate_bp=rate)
        assert p.net == unit * qty
        assert p.vat == apply_rate_bp(unit * qty, rate)
        # rounded half up: within half a minor unit of the exact value
        assert abs(p.vat * 10_000 - unit * qty * rate) <= 5_000
        assert p.gross == p.net + p.vat


@given(lines, lines)
def test_breakdown_sums_to_the_totals(goods_raw, delivery_raw):
    goods = [price_line(unit_net=u, quantity=q, rate_bp=r) for u, q, r in goods_raw]
    deliveries = [price_line(unit_net=u, quantity=1, rate_bp=r) for u, _q, r in delivery_raw]
    t = totals(goods=goods, deliveries=deliveries)
    breakdown = vat_breakdown(goods + deliveries)
    assert sum(b.net for b in breakdown) == t.goods_net + t.delivery_net
    assert sum(b.vat for b in breakdown) == t.vat
    assert sum(b.gross for b in breakdown) == t.gross
    assert t.gross == sum(g.gross for g in goods) + sum(d.gross for d in deliveries)
    assert [b.rate_bp for b in breakdown] == sorted({p.rate_bp for p in goods + deliveries}, reverse=True)


@given(st.integers(min_value=1, max_value=10_000_000), rates)
def test_vat_of_one_line_equals_vat_of_its_bucket(unit, rate):
    [bucket] = vat_breakdown([price_line(unit_net=unit, quantity=3, rate_bp=rate)])
    assert (bucket.net, bucket.vat) == (unit * 3, apply_rate_bp(unit * 3, rate))


def test_rounding_per_line_example():
    # 3 × 0.33 € at 20 %: net 0.99, VAT 0.198 → 0.20 (per line), not 3 × 0.07 = 0.21 (per unit)
    p = price_line(unit_net=33, quantity=3, rate_bp=2000)
    assert (p.net, p.vat, p.gross) == (99, 20, 119)
