"""Two more product kinds: daily newspapers and medicines reimbursed by social security. Every
market gets them at its press and medicines rates (same dates), except where the law rates them
apart: Belgian dailies at 0 %, French reimbursed medicines at 2.1 % (see vat_data). Idempotent."""
from django.db import migrations, models

COPIED_FROM = {"daily_press": "press", "reimbursed_meds": "medicines"}
OWN_RATE_BP = {("BE", "daily_press"): 0, ("FR", "reimbursed_meds"): 210}


def rates_of_new_kinds(apps, schema_editor):
    VatRate = apps.get_model("markets", "VatRate")
    for kind, source in COPIED_FROM.items():
        for rate in VatRate.objects.filter(tax_class=source).select_related("market"):
            rate_bp = OWN_RATE_BP.get((rate.market.code, kind), rate.rate_bp)
            VatRate.objects.get_or_create(
                market=rate.market, tax_class=kind, valid_from=rate.valid_from, defaults={"rate_bp": rate_bp}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('markets', '0003_vat_by_product_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='vatrate',
            name='tax_class',
            field=models.CharField(choices=[('standard', 'Standard-rated goods'), ('food', 'Food'), ('basic_food', 'Basic food (bread, milk, fruit, vegetables…)'), ('books', 'Books'), ('press', 'Newspapers and periodicals'), ('daily_press', 'Daily newspapers'), ('medicines', 'Medicines'), ('reimbursed_meds', 'Medicines reimbursed by social security'), ('child_clothing', "Children's clothing and footwear")], max_length=16, verbose_name='product kind'),
        ),
        migrations.RunPython(rates_of_new_kinds, migrations.RunPython.noop),
    ]
