"""{{ amount|money:currency }}: minor units formatted for the active language (babel), as the
orders' emails and invoices format them (common.money.money_for_language)."""
from django import template
from django.utils.translation import get_language

from comptoir.common.money import money_for_language

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    return money_for_language(amount, currency, get_language())


@register.filter
def bp(value) -> str:
    """Basis points as a percentage: 2100 → "21", 550 → "5.5"."""
    return f"{int(value) / 100:g}"
