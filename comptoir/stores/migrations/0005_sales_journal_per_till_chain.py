"""One hash chain per till register (sequence per store and till). Entries written before keep
their store-wide chain as till 0, unchanged (the journal is append-only). On SQLite adding the
column rebuilds the table, which drops its append-only trigger: it is created again."""
from django.db import migrations, models

SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS salesjournal_no_update BEFORE UPDATE ON stores_salesjournalentry"
    " BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;"
)


def sqlite_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("stores", "0004_sales_journal_append_only_trigger")]

    operations = [
        migrations.RemoveConstraint(model_name="salesjournalentry", name="salesjournal_sequence_unique"),
        migrations.AddField(
            model_name="salesjournalentry", name="till",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="till"), preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="salesjournalentry",
            options={"ordering": ["store", "till", "sequence"], "verbose_name": "sales journal entry", "verbose_name_plural": "sales journal"},
        ),
        migrations.AddConstraint(
            model_name="salesjournalentry",
            constraint=models.UniqueConstraint(fields=("store", "till", "sequence"), name="salesjournal_till_sequence_unique"),
        ),
        migrations.AddIndex(
            model_name="salesjournalentry", index=models.Index(fields=["store", "-created_at"], name="salesjournal_store_recent"),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
