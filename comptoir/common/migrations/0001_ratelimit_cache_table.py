"""The database cache table of the rate limiter (settings.CACHES["ratelimit"] without Redis), so
that `comptoir migrate` is all a deployment runs. createcachetable is idempotent and does
nothing when the cache is Redis."""
from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
