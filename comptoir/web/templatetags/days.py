"""{{ day|day_long }} and {{ day|day_short }}: a date (or a datetime, in the current time zone)
written the way the active language writes a day, CLDR patterns via babel (common.dates):
"Donnerstag, 10. Dezember" / "Do., 10. Dez." in German, "quinta-feira, 10 de dezembro" /
"quinta, 10/12" in Portuguese. A day never breaks across lines: its spaces are no-break spaces, so
"Do., 10. Dez. – Fr., 11. Dez." wraps at the dash only."""
from django import template
from django.utils.translation import get_language

from comptoir.common.dates import format_day

register = template.Library()


@register.filter(expects_localtime=True)
def day_long(value):
    return "" if value in (None, "") else _unbroken(format_day(value, "long", get_language()))


@register.filter(expects_localtime=True)
def day_short(value):
    return "" if value in (None, "") else _unbroken(format_day(value, "short", get_language()))


def _unbroken(day: str) -> str:
    return day.replace(" ", "\u00a0")
