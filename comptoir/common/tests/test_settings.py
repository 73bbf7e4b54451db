"""The production settings pass Django's deployment checks with no warning."""
import os
import secrets
import subprocess
import sys


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "COMPTOIR_VAR": str(tmp_path),
        # a real payment provider with secrets of its own (production refuses the test one)
        "STRIPE_API_KEY": "sk_live_fake", "STRIPE_WEBHOOK_SECRET": "whsec_fake",
    }
    # The browser fixture sets this for the test process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "comptoir.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
