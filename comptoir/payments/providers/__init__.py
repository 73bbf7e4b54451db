"""Provider registry: an explicit mapping from name to class (no dynamic class loading).

The active provider is named by ``settings.PAYMENT_PROVIDER``; each provider's configuration
(secrets, API keys) comes from ``settings.PAYMENT_PROVIDER_SETTINGS[name]`` as keyword
arguments to its constructor. Adding a provider = one module + one line in ``PROVIDERS``.
"""
from __future__ import annotations

from django.conf import settings

from ..errors import UnknownProvider
from .base import CardDetails, PaymentProvider, ProviderResult, ResultStatus, WebhookEvent
from .stripe_provider import StripeProvider
from .test import TestProvider

PROVIDERS: dict[str, type] = {
    "test": TestProvider,
    "stripe": StripeProvider,
}

__all__ = ["PROVIDERS", "CardDetails", "PaymentProvider", "ProviderResult", "ResultStatus", "WebhookEvent", "get_provider", "active_provider_name"]


def active_provider_name() -> str:
    return settings.PAYMENT_PROVIDER


def get_provider(name: str | None = None) -> PaymentProvider:
    """An instance of the named provider (default: the active one), configured from settings."""
    name = name or active_provider_name()
    cls = PROVIDERS.get(name)
    if cls is None:
        raise UnknownProvider(f"Unknown payment provider {name!r}")
    config = dict(settings.PAYMENT_PROVIDER_SETTINGS.get(name, {}))
    config.setdefault("tolerance_seconds", settings.PAYMENT_WEBHOOK_TOLERANCE_SECONDS)
    return cls(**config)
