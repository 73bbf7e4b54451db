"""Tokens expire (30 days after issue for the existing ones), carry the user's session hash at
issue (so a password change revokes them), and get a 96-bit prefix column."""
import datetime

from django.db import migrations, models
from django.utils.crypto import salted_hmac

# What AbstractBaseUser.get_session_auth_hash() computes (historical models have no methods).
SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def fill(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.expires_at = token.created_at + datetime.timedelta(days=30)
        token.auth_hash = salted_hmac(SESSION_HASH_SALT, token.user.password, algorithm="sha256").hexdigest()
        token.save(update_fields=["expires_at", "auth_hash"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AlterField(model_name="apitoken", name="prefix", field=models.CharField(max_length=24, unique=True)),
        migrations.AddField(model_name="apitoken", name="auth_hash", field=models.CharField(default="", max_length=128), preserve_default=False),
        migrations.AddField(model_name="apitoken", name="expires_at", field=models.DateTimeField(null=True, verbose_name="expires at")),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField(verbose_name="expires at")),
    ]
