"""The sales journal refuses changes in the database too: on PostgreSQL a trigger refuses UPDATE
and DELETE (TRUNCATE, an owner's whole-table operation, stays possible: test databases are
flushed with it); on SQLite a trigger refuses UPDATE (Django's flush deletes rows with DELETE, so
deletes are refused by the model and its manager only; a deleted entry breaks the sequence,
which the chain check reports)."""
from django.db import migrations

TABLE = "stores_salesjournalentry"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION stores_salesjournal_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the sales journal is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER salesjournal_append_only BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION stores_salesjournal_append_only();
"""
POSTGRES_DROP = f"DROP TRIGGER IF EXISTS salesjournal_append_only ON {TABLE}; DROP FUNCTION IF EXISTS stores_salesjournal_append_only();"

SQLITE = [
    f"CREATE TRIGGER salesjournal_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS salesjournal_no_update;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("stores", "0003_till_reservations_journal")]
    operations = [migrations.RunPython(forwards, backwards)]
