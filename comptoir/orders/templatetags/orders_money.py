"""Template filters for amounts in minor units: {{ cents|money:"EUR" }}, {{ bp|rate }}."""
from django import template
from django.utils.translation import get_language

from comptoir.common.money import money_for_language

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    """In the active UI language's format (common.money.money_for_language)."""
    return money_for_language(amount, currency, get_language())


@register.filter
def rate(bp):
    """2000 → "20 %", 550 → "5.5 %"."""
    bp = int(bp)
    whole, frac = divmod(bp, 100)
    text = f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")
    return f"{text} %"
