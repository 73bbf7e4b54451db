"""{{ amount|money:currency }}: minor units formatted for the active language (babel)."""
from django import template
from django.utils.translation import get_language

from comptoir.web.storefront.formatting import money as _money

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    return _money(amount, currency or "EUR", (get_language() or "en").replace("-", "_"))


@register.filter
def bp(value) -> str:
    """Basis points as a percentage: 2100 → "21", 550 → "5.5"."""
    return f"{int(value) / 100:g}"
