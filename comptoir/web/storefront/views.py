"""Storefront views: thin — they read the buyer context, call selectors and render.

Search, listing, facets and the offer ranking live in catalog and inventory selectors;
nothing here filters or ranks.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.common.errors import NotFound
from comptoir.inventory.promise import LOCAL_KM
from comptoir.stores.directory import store_slugs
from comptoir.web.context_processors import FOCUS_PARAM, path_without_focus
from comptoir.web.middleware import buyer_location_remember

from . import formatting, reads
from .buyer import buyer_city as _buyer_city
from .buyer import language as _language
from .buyer import locale as _locale
from .buyer import market_or_404 as _market_or_404
from .forms import LOCAL_KM_CHOICES, MAX_QUERY_CHARS, PAGE_SIZES, SORT_CHOICES, STORE_KM_CHOICES, ListingFilterForm, LocationForm

CITY_SUGGEST_LIMIT = 8


# Home and buyer location -------------------------------------------------------------------


@require_GET
def home(request):
    return _render_home(request, LocationForm(initial=_location_initial(request)))


def _location_initial(request) -> dict:
    market, city = request.market, request.buyer_city
    return {"market": market.code if market else "", "city": city.pk if city else None}


def _render_home(request, location_form, status=200):
    from comptoir.markets.selectors import markets_active

    language = _language()
    context = {
        "markets": list(markets_active()),
        "location_form": location_form,
        "category_tiles": reads.CategoryIndex(language).roots(),
        "featured": _featured(request, language),
    }
    return render(request, "web/storefront/home.html", context, status=status)


def _featured(request, language):
    """A few products near the buyer: the first results of the unfiltered listing."""
    if not request.market:
        return []
    listing = _product_listing(market=request.market, language=language, buyer_city=_buyer_city(request), page=1, page_size=8)
    return _cards(request, listing.items)


@require_POST
def location_set(request):
    """Choose market and city. Switching to another market also switches the UI language to
    the market's default language (the buyer can switch back with the language buttons)."""
    form = LocationForm(request.POST)
    if not form.is_valid():
        return _render_home(request, form, status=400)
    market, city = form.cleaned_data["market"], form.cleaned_data["city"]
    previous_code = request.market.code if request.market else None  # before the session changes
    target = form.cleaned_data.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    buyer_location_remember(request, response, market=market, city=city)
    if previous_code != market.code:
        language = market.default_language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
    return response


@require_GET
def city_suggest(request):
    """htmx fragment: up to 8 cities of the market matching a name prefix or a postcode."""
    from comptoir.markets.selectors import cities_search

    code = (request.GET.get("market") or "").strip().upper()
    query = " ".join((request.GET.get("city_query") or request.GET.get("q") or "").split())[:100]
    market = _market_for_code(code)
    if market is None:
        return render(request, "web/storefront/_city_suggestions.html", {"error": _("Unknown market."), "cities": []}, status=400)
    cities = cities_search(country=market.code, query=query, limit=CITY_SUGGEST_LIMIT) if query else []
    return render(request, "web/storefront/_city_suggestions.html", {"cities": cities, "query": query, "market": market})


def _market_for_code(code: str):
    from comptoir.markets.selectors import market_get

    if len(code) != 2:
        return None
    try:
        market = market_get(code)
    except NotFound:
        return None
    return market if market.is_active else None


# Listings ------------------------------------------------------------------------------------


@require_GET
def category(request, slug):
    def heading():
        language = _language()
        index = reads.CategoryIndex(language)
        node = index.by_slug.get(slug)
        if node is None:
            raise Http404(_("There is no category “%(slug)s”.") % {"slug": slug})
        return node, {
            "category": node,
            "category_name": node.name(language),
            "breadcrumbs": index.ancestors(node),
            "subcategories": index.children(node),
        }

    return _listing(request, category_slug=slug, heading=heading, query=None, template="web/storefront/category.html")


@require_GET
def search(request):
    query = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY_CHARS]
    return _listing(request, category_slug=None, heading=lambda: (None, {}), query=query or None,
                    template="web/storefront/search.html")


# Whole listing pages are cached for anonymous visitors without pending messages, keyed by the
# listing versions of the categories shown (comptoir.catalog.listing_cache: a listing refresh or a
# re-index changes them, so the next request renders afresh), the language, market, city and the
# full path. The CSRF token of the header forms is stored as a placeholder and filled in per request.
CSRF_PLACEHOLDER = "csrf-placeholder-7d1c0b5e"


def _page_cache_key(request, category_slug) -> str | None:
    """None when the page must not come from the cache (signed-in user, messages to show,
    unknown category: its 404 is rendered normally)."""
    from django.contrib import messages

    from comptoir.catalog import listing_cache

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    tree = listing_cache.CategoryTree.load()
    if category_slug is not None:
        category_id = tree.id_by_slug.get(category_slug)
        if category_id is None:
            return None
        versions = tree.versions_key(tree.descendants(category_id))
    else:
        versions = tree.versions_key()
    city = _buyer_city(request)
    return listing_cache.cache_key(
        "page-html", versions, _language(), request.market.code, city.pk if city else None,
        path_without_focus(request), timezone.localdate().isoformat(),
    )


def _with_csrf(request, content: bytes) -> bytes:
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


# The filters and the sort order reload the page on input; comptoir.js adds "focus" (the
# data-refocus key of the control that triggered the reload, or of the one the keyboard user was
# tabbing to) so that the reloaded page has the focus there (WCAG 3.2.2: the keyboard user keeps
# their place). The parameter is a one-time hint: the page cache key, the pagination and per-page
# links leave it out, and the cached HTML has no autofocus; it is added per response.
_FOCUS_KEY = re.compile(r"[a-z_]{1,20}(?:-[A-Z]{2})?")


def _focus_key(request) -> str:
    key = request.GET.get(FOCUS_PARAM, "")
    return key if _FOCUS_KEY.fullmatch(key) else ""


def _listing_query(request):
    """The page's query parameters without the focus hint (for the links the page makes)."""
    query = request.GET.copy()
    query.pop(FOCUS_PARAM, None)
    return query


def _with_autofocus(content: bytes, key: str) -> bytes:
    """autofocus on the first control rendered with data-refocus="<key>" (none: unchanged)."""
    if not key:
        return content
    marker = f'data-refocus="{key}"'.encode()
    return content.replace(marker, marker + b" autofocus", 1)


def _listing(request, *, category_slug, heading, query, template):
    market = _market_or_404(request)
    key = _page_cache_key(request, category_slug)
    focus = _focus_key(request)
    if key is not None:
        hit = cache.get(key)
        if hit is not None:
            status, content = hit
            content = _with_autofocus(_with_csrf(request, content), focus)
            return HttpResponse(content, status=status, content_type="text/html; charset=utf-8")
    category, extra = heading()
    response = _render_listing(request, market, category=category, query=query, template=template, extra=extra,
                               csrf_placeholder=key is not None)
    if key is not None:
        def store(rendered):
            from comptoir.catalog.listing_cache import cache_seconds

            cache.set(key, (rendered.status_code, rendered.content), cache_seconds())
            rendered.content = _with_autofocus(_with_csrf(request, rendered.content), focus)

        response.add_post_render_callback(store)
    elif focus:
        def refocus(rendered):
            rendered.content = _with_autofocus(rendered.content, focus)

        response.add_post_render_callback(refocus)
    return response


def _render_listing(request, market, *, category, query, template, extra, csrf_placeholder):
    from comptoir.inventory.errors import InvalidListingQuery
    from comptoir.inventory.listing.read import ListingFilters

    form = ListingFilterForm(request.GET)
    form.is_valid()
    min_price, max_price = form.price_range()
    filters = ListingFilters(
        min_price=min_price,
        max_price=max_price,
        seller_countries=tuple(form.value("country", [])),
        local_only_km=form.value("local_km"),
        in_store_km=form.value("store_km"),
        deliver_by=form.value("deliver_by"),
    )
    page_size = form.value("per_page", settings.COMPTOIR_PAGE_SIZE)
    status, error = 200, None
    try:
        listing = _product_listing(
            market=market, language=_language(), category=category, query=query, buyer_city=_buyer_city(request),
            filters=filters, page=form.value("page", 1), page_size=page_size, sort=form.value("sort", "relevance"),
        )
    except InvalidListingQuery as exc:  # e.g. a minimum price above the maximum
        status, error = 400, exc.message
        listing = _product_listing(
            market=market, language=_language(), category=category, query=query, buyer_city=_buyer_city(request),
            filters=ListingFilters(), page=1, page_size=page_size, sort="relevance",
        )
    locale = _locale(request)
    context = {
        "search_query": query or "",
        "listing_query": _listing_query(request),
        "listing": listing,
        "cards": _cards(request, listing.items),
        "filter_form": form,
        "filter_error": error,
        "price_facets": [
            {
                "value": f"{f.min_price}-{f.max_price - 1 if f.max_price is not None else ''}",
                "label": _price_facet_label(f, listing.currency, locale),
                "count": f.count,
            }
            for f in listing.price_facets
        ],
        "country_facets": [
            {"code": f.country, "name": formatting.country_name(f.country, locale), "count": f.count}
            for f in listing.country_facets
        ],
        "selected_price": form.value("price", ""),
        "selected_countries": form.value("country", []),
        "selected_local_km": form.value("local_km"),
        "selected_store_km": form.value("store_km"),
        "store_km_choices": STORE_KM_CHOICES,
        "selected_sort": form.value("sort", "relevance"),
        "sort_choices": SORT_CHOICES,
        "local_km_choices": LOCAL_KM_CHOICES,
        "page_sizes": PAGE_SIZES,
        "page_size": page_size,
        "default_page_size": settings.COMPTOIR_PAGE_SIZE,
        "page_links": _page_links(listing.page, listing.num_pages),
        "has_filters": any([min_price is not None, max_price is not None, filters.seller_countries,
                            filters.local_only_km, filters.in_store_km, filters.deliver_by]),
        "search_cap": formatting.number(listing.capped_at, locale) if listing.capped_at else "",
        **extra,
    }
    if csrf_placeholder:
        context["csrf_token"] = CSRF_PLACEHOLDER
    return TemplateResponse(request, template, context, status=status)


def _product_listing(**kwargs):
    """The listing with the delivery-promise policy that the deliver-by filter needs."""
    from comptoir.inventory.listing.read import product_listing

    return product_listing(**kwargs)


def _price_facet_label(facet, currency, locale) -> str:
    low = formatting.money(facet.min_price, currency, locale) if facet.min_price else None
    high = formatting.money(facet.max_price, currency, locale) if facet.max_price is not None else None
    if low and high:
        return f"{low} – {high}"
    if high:
        return _("Under %(price)s") % {"price": high}
    return _("%(price)s and more") % {"price": low}


def _page_links(page: int, num_pages: int) -> list[int | None]:
    """Page numbers to show: first, last and two around the current one; None is a gap."""
    if num_pages <= 1:
        return []
    wanted = {1, num_pages, *range(max(1, page - 2), min(num_pages, page + 2) + 1)}
    links: list[int | None] = []
    for n in sorted(wanted):
        if links and links[-1] is not None and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


def _cards(request, results) -> list[dict]:
    locale = _locale(request)
    return [
        {
            "id": item.product_id,
            "url": reads.product_url(item.product_id, item.title),
            "title": item.title,
            "brand": item.brand,
            "image_url": item.image_url,
            "price": formatting.money(item.best_gross_price, item.currency, locale),
            "offer_count": item.offer_count,
            "distance": formatting.distance_km(item.nearest_km, locale),
            "is_near": item.nearest_km is not None and item.nearest_km <= LOCAL_KM,
            "store_distance": formatting.distance_km(item.nearest_store_km, locale) if item.nearest_store_km is not None else "",
        }
        for item in results
    ]


# Product -------------------------------------------------------------------------------------


@require_GET
def product(request, product_id, slug=None):
    market = _market_or_404(request)
    language = _language()
    detail = reads.product_detail(product_id=product_id, language=language)
    if detail is None:
        raise Http404(_("This product does not exist or is no longer sold."))
    from comptoir.inventory.models import Condition
    from comptoir.inventory.selectors import MissingVatRate, offers_for_product

    city = request.buyer_city
    locale = _locale(request)
    try:
        offers = offers_for_product(product=detail.product, market=market, buyer_city=_buyer_city(request))
    except MissingVatRate:  # the product's tax class has no VAT rate in this market: not sold here
        offers = []
    slugs = store_slugs(o.store_location_id for o in offers)
    rows = [
        {
            "offer": o,
            "condition": Condition(o.condition).label if o.condition in Condition.values else o.condition,
            "price": formatting.money(o.gross_price, o.currency, locale),
            "distance": formatting.distance_km(o.distance_km, locale),
            "store_slug": slugs.get(o.store_location_id, ""),
            "store_distance": formatting.distance_km(o.store_km, locale) if o.store_km is not None else "",
        }
        for o in offers
    ]
    context = {
        "detail": detail,
        "product": detail.product,
        "offers": rows,
        "best": rows[0] if rows else None,
        "cheapest": min(rows, key=lambda r: r["offer"].gross_price) if rows else None,
        "breadcrumbs": reads.CategoryIndex(language).ancestors(detail.product.category),
        "canonical_url": reads.product_url(product_id, detail.title),
    }
    return TemplateResponse(request, "web/storefront/product.html", context)
