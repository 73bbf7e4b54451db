"""Template filters for amounts in minor units: {{ cents|money:"EUR" }}, {{ bp|rate }}."""
from django import template
from django.utils.translation import get_language

from comptoir.common.money import Money

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    if amount is None or amount == "":
        return ""
    # The active UI language decides the format; English as in the UK, Portuguese as in Portugal
    # (our pt catalogue is Portugal's; babel's bare "pt" is Brazil's).
    language = (get_language() or "en").replace("-", "_")
    locale = {"en": "en_GB", "pt": "pt_PT"}.get(language, language)
    return Money(int(amount), currency or "EUR").format(locale)


@register.filter
def rate(bp):
    """2000 → "20 %", 550 → "5.5 %"."""
    bp = int(bp)
    whole, frac = divmod(bp, 100)
    text = f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")
    return f"{text} %"
