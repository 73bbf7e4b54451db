"""Store pages for buyers. The map is Leaflet (shipped by django-leaflet) drawn by
static/web/store_map.js from data attributes; without a tile URL (COMPTOIR_MAP_TILES_URL) the
page shows the address alone."""
from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.inventory.listing.read import vat_rates_bp
from comptoir.stores import directory
from comptoir.web.storefront import formatting, reads
from comptoir.web.storefront import buyer


def _map_settings() -> dict:
    return {"tiles_url": settings.COMPTOIR_MAP_TILES_URL, "attribution": settings.COMPTOIR_MAP_ATTRIBUTION}


@require_GET
def store_list(request):
    market = buyer.market_or_404(request)
    locale = buyer.locale(request)
    cards = directory.stores_for_market(market=market, buyer_city=buyer.buyer_city(request))
    return render(request, "web/stores/list.html", {
        "stores": [{"card": c, "distance": formatting.distance_km(c.distance_km, locale)} for c in cards],
        "map": _map_settings(),
    })


@require_GET
def store_detail(request, slug):
    market = buyer.market_or_404(request)
    card = directory.store_card(slug=slug, buyer_city=buyer.buyer_city(request))
    if card is None:
        raise Http404(_("This store does not exist or has closed."))
    locale = buyer.locale(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    today = timezone.localdate()
    shelf = directory.store_shelf(slug=slug, market=market, vat_rates=vat_rates_bp(market, today), language=buyer.language(), page=page)
    return render(request, "web/stores/detail.html", {
        "store": card,
        "distance": formatting.distance_km(card.distance_km, locale),
        "week": directory.store_week(slug=slug, today=today),
        "shelf": shelf,
        "shelf_rows": [
            {"item": i, "url": reads.product_url(i.product_id, i.title), "price": formatting.money(i.gross_price, i.currency, locale)}
            for i in shelf.items
        ],
        "map": _map_settings(),
    })
