"""Production refuses the test payment provider unless explicitly allowed, requires webhook
secrets of their own, and `comptoir check --deploy` reports both."""
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from comptoir.payments.checks import payment_provider_check

SECRET_KEY = "k" * 20 + "-production-secret-key-with-enough-entropy-0123456789"


def deploy_check(**env) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for the test process; a deployment never has it.
    skipped = ("PAYMENT_", "STRIPE_", "COMPTOIR_ALLOW", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(skipped)},
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.production", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "shop.example.com",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "comptoir.manage", "check", "--deploy"], env=environment, capture_output=True, text=True, timeout=120,
    )


def test_production_with_the_test_provider_refuses_to_start_with_a_clear_message():
    result = deploy_check(PAYMENT_PROVIDER="test", PAYMENT_TEST_WEBHOOK_SECRET="whsec_own")
    assert result.returncode == 1
    assert "ImproperlyConfigured: PAYMENT_PROVIDER is 'test': it authorizes any valid card number without charging anyone." in result.stderr


def test_the_explicit_allowance_starts_with_one_deploy_warning():
    result = deploy_check(PAYMENT_PROVIDER="test", COMPTOIR_ALLOW_TEST_PAYMENTS="true", PAYMENT_TEST_WEBHOOK_SECRET="whsec_own")
    assert result.returncode == 0
    assert "(payments.W001) The test payment provider is active" in result.stderr
    assert "System check identified 1 issue (0 silenced)." in result.stderr


def test_stripe_configured_passes_the_deploy_check_with_no_warning():
    result = deploy_check(STRIPE_API_KEY="sk_live_fake", STRIPE_WEBHOOK_SECRET="whsec_own")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "System check identified no issues (0 silenced).", "")


@pytest.mark.parametrize("secret", ["", SECRET_KEY])
def test_a_webhook_secret_of_its_own_is_required(secret):
    result = deploy_check(STRIPE_API_KEY="sk_live_fake", STRIPE_WEBHOOK_SECRET=secret)
    assert result.returncode == 1
    assert "needs a webhook secret of its own: set STRIPE_WEBHOOK_SECRET (never the SECRET_KEY)" in result.stderr


def test_the_deploy_check_reports_an_error_for_the_test_provider_and_a_warning_when_allowed():
    with override_settings(PAYMENT_PROVIDER="test", COMPTOIR_ALLOW_TEST_PAYMENTS=False):
        assert [(type(m).__name__, m.id) for m in payment_provider_check(None)] == [("Error", "payments.E001")]
    with override_settings(PAYMENT_PROVIDER="test", COMPTOIR_ALLOW_TEST_PAYMENTS=True):
        assert [(type(m).__name__, m.id) for m in payment_provider_check(None)] == [("Warning", "payments.W001")]
