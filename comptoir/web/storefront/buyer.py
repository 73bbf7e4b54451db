"""The buyer's context for a page: UI language, Babel locale, city and market."""
from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import formatting


def language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def locale(request) -> str:
    market = request.market
    return formatting.babel_locale(language(), market.code if market else None)


def buyer_city(request):
    """The buyer's City, or None (a lazy object wrapping None is not `is None`)."""
    return request.buyer_city or None


def market_or_404(request):
    market = request.market
    if not market:
        raise Http404(_("No market is open yet."))
    return market
