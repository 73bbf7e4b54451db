"""Deploy checks (`comptoir check --deploy`) of the payment settings."""
from django.conf import settings
from django.core import checks

from .deploy import payments_production_refusal


@checks.register(checks.Tags.security, deploy=True)
def payment_provider_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.PAYMENT_PROVIDER == "test" and settings.COMPTOIR_ALLOW_TEST_PAYMENTS:
        return [checks.Warning(
            "The test payment provider is active (COMPTOIR_ALLOW_TEST_PAYMENTS): any valid card number is "
            "authorized and nobody is charged.",
            hint="Fine for a demo or staging site; a shop taking real money sets PAYMENT_PROVIDER=stripe.",
            id="payments.W001",
        )]
    refusal = payments_production_refusal(
        provider=settings.PAYMENT_PROVIDER, allow_test=settings.COMPTOIR_ALLOW_TEST_PAYMENTS,
        provider_settings=settings.PAYMENT_PROVIDER_SETTINGS, secret_key=settings.SECRET_KEY,
    )
    code = "payments.E001" if settings.PAYMENT_PROVIDER == "test" else "payments.E002"
    return [checks.Error(refusal, id=code)] if refusal else []
