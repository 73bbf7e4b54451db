"""What production settings refuse about payments (also reported by `check --deploy`, see
comptoir/payments/checks.py). Plain functions over settings values: no Django app is loaded yet."""
from __future__ import annotations

from collections.abc import Mapping


def payments_production_refusal(
    *, provider: str, allow_test: bool, provider_settings: Mapping[str, Mapping[str, str]], secret_key: str,
) -> str:
    """Why these payment settings must not serve real buyers, or "" when they may."""
    if provider == "test" and not allow_test:
        return (
            "PAYMENT_PROVIDER is 'test': it authorizes any valid card number without charging anyone. "
            "Configure a real provider (PAYMENT_PROVIDER=stripe with STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET), "
            "or set COMPTOIR_ALLOW_TEST_PAYMENTS=true for a demo or staging site."
        )
    config = provider_settings.get(provider, {})
    secret = config.get("webhook_secret", "")
    if not secret or secret == secret_key:
        variable = "STRIPE_WEBHOOK_SECRET" if provider == "stripe" else "PAYMENT_TEST_WEBHOOK_SECRET"
        return f"The {provider!r} payment provider needs a webhook secret of its own: set {variable} (never the SECRET_KEY)."
    if provider == "stripe" and not config.get("api_key"):
        return "The 'stripe' payment provider needs its secret API key: set STRIPE_API_KEY."
    return ""
