"""Keep the commission rate each order line was captured with, and how each refunded line's
amount splits into VAT and commission, so that a refund reverses exactly what its units were
captured with.

Backfill: a captured part's lines get today's rate (the seller's override or the category's)
only where those rates give back, to the minor unit, the commission its capture entry credited;
otherwise they stay null and refunds of that part keep the split in proportion to what remains.
Refund lines recorded before stay null (they were split that way)."""
from collections import defaultdict

from django.db import migrations, models


def _commission(net: int, bp: int) -> int:
    return (net * bp * 2 + 10_000) // 20_000  # comptoir.ledger.commissions.commission_amount, frozen here


def backfill_commission_bp(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    JournalLine = apps.get_model("ledger", "JournalLine")
    lines_by_part = defaultdict(list)
    rows = OrderLine.objects.filter(seller_order__captured_amount__gt=0).values_list(
        "pk", "seller_order_id", "line_net", "seller_order__seller__commission_bp", "product__category__commission_bp",
    )
    for pk, part_id, net, seller_bp, category_bp in rows.iterator():
        lines_by_part[part_id].append((pk, net, seller_bp if seller_bp is not None else category_bp))
    captured = defaultdict(int)
    refs = {f"seller_order:{part_id}:capture": part_id for part_id in lines_by_part}
    credited = JournalLine.objects.filter(entry__kind="capture", entry__reference__in=list(refs), account__kind="commission_revenue")
    for reference, amount in credited.values_list("entry__reference", "amount").iterator():
        captured[refs[reference]] -= amount
    by_bp = defaultdict(list)
    for part_id, lines in lines_by_part.items():
        if sum(_commission(net, bp) for _pk, net, bp in lines) == captured[part_id]:
            for pk, _net, bp in lines:
                by_bp[bp].append(pk)
    for bp, pks in by_bp.items():
        for start in range(0, len(pks), 500):
            OrderLine.objects.filter(pk__in=pks[start:start + 500]).update(commission_bp=bp)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0004_support_groups"),
        ("ledger", "0005_payouts_to_store_partners"),
    ]

    operations = [
        migrations.AddField(model_name="orderline", name="commission_bp", field=models.PositiveIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="refundline", name="commission", field=models.BigIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="refundline", name="vat", field=models.BigIntegerField(blank=True, null=True)),
        migrations.RunPython(backfill_commission_bp, migrations.RunPython.noop),
    ]
