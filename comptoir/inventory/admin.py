"""Operator admin for stock and offers, and the admin of sellers and products.

A seller's status and a product's or an offer's active flag decide what buyers see, so their
admin actions are registered here, where the services that keep the listing true live
(``comptoir.inventory.services``). sellers and catalog define the ModelAdmin classes; this
module registers them once, with those actions.
"""
from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.catalog.admin import ProductAdmin
from comptoir.catalog.models import Product
from comptoir.common.errors import DomainError
from comptoir.sellers.admin import SellerAdmin
from comptoir.sellers.models import Seller

from . import services
from .listing.refresh import listing_refresh
from .models import Offer, ProductListing, StockLevel, StockLocation


def _run_each(modeladmin, request, queryset: QuerySet, service: Callable, done_message: Callable[[int], str], *, arg: str) -> None:
    """Run `service` on each selected row; a refused one is reported, the others go on."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            service(**{arg: obj})
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Approve selected sellers"))
def approve_sellers(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.seller_approve,
              lambda n: ngettext("%d seller approved.", "%d sellers approved.", n) % n, arg="seller")


@admin.action(description=_("Suspend selected sellers"))
def suspend_sellers(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.seller_suspend,
              lambda n: ngettext("%d seller suspended.", "%d sellers suspended.", n) % n, arg="seller")


@admin.action(description=_("Reinstate selected sellers"))
def reinstate_sellers(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.seller_reinstate,
              lambda n: ngettext("%d seller reinstated.", "%d sellers reinstated.", n) % n, arg="seller")


@admin.action(description=_("Activate selected products"))
def activate_products(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.product_activate,
              lambda n: ngettext("%d product activated.", "%d products activated.", n) % n, arg="product")


@admin.action(description=_("Deactivate selected products"))
def deactivate_products(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.product_deactivate,
              lambda n: ngettext("%d product deactivated.", "%d products deactivated.", n) % n, arg="product")


@admin.action(description=_("Pause selected offers"))
def pause_offers(modeladmin, request, queryset):
    n = services.offers_active_set(offer_ids=list(queryset.values_list("pk", flat=True)), active=False)
    modeladmin.message_user(request, ngettext("%d offer paused.", "%d offers paused.", n) % n, messages.SUCCESS)


@admin.action(description=_("Resume selected offers"))
def resume_offers(modeladmin, request, queryset):
    n = services.offers_active_set(offer_ids=list(queryset.values_list("pk", flat=True)), active=True)
    modeladmin.message_user(request, ngettext("%d offer resumed.", "%d offers resumed.", n) % n, messages.SUCCESS)


@admin.register(Seller)
class SellerStatusAdmin(SellerAdmin):
    actions = [approve_sellers, suspend_sellers, reinstate_sellers]


@admin.register(Product)
class ProductStatusAdmin(ProductAdmin):
    actions = [*ProductAdmin.actions, activate_products, deactivate_products]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        listing_refresh([form.instance.pk])  # its category (so its tax class) may have changed


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "seller", "city", "country")
    list_filter = ("kind", "country")
    search_fields = ("name", "seller__display_name")
    raw_id_fields = ("seller", "city")


class StockLevelInline(admin.TabularInline):
    model = StockLevel
    extra = 0
    raw_id_fields = ("location",)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("product", "seller", "condition", "net_price", "currency", "handling_days", "is_active")
    list_filter = ("is_active", "condition", "currency")
    search_fields = ("product__gtin", "seller__display_name")
    raw_id_fields = ("product", "seller")
    inlines = [StockLevelInline]
    actions = [pause_offers, resume_offers]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        listing_refresh([form.instance.product_id])


@admin.register(ProductListing)
class ProductListingAdmin(admin.ModelAdmin):
    list_display = (
        "product", "currency", "min_net_price", "offer_count", "seller_countries", "best_handling_days", "valid_from", "valid_until",
        "refreshed_at",
    )
    list_filter = ("currency",)
    raw_id_fields = ("product", "category")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
