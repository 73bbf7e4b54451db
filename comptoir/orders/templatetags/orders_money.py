"""Template filters for amounts in minor units: {{ cents|money:"EUR" }}, {{ bp|rate }}."""
from django import template
from django.utils.translation import get_language

from comptoir.common.money import Money

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    if amount is None or amount == "":
        return ""
    locale = {"fr": "fr_FR", "es": "es_ES"}.get((get_language() or "en")[:2], "en_GB")
    return Money(int(amount), currency or "EUR").format(locale)


@register.filter
def rate(bp):
    """2000 → "20 %", 550 → "5.5 %"."""
    bp = int(bp)
    whole, frac = divmod(bp, 100)
    text = f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")
    return f"{text} %"
