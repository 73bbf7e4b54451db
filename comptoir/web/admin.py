"""Operator admin pieces that span contexts.

A seller's approval or suspension changes which offers the storefront may show; the storefront
reads a summary that inventory keeps. sellers cannot import inventory (it sits below it), so the
Seller admin is completed here, in the top layer: each status action refreshes that seller's
products once the service has run.
"""
from django.contrib import admin
from django.utils.translation import ngettext

from comptoir.inventory.listing import listing_refresh_seller
from comptoir.sellers import admin as sellers_admin
from comptoir.sellers.models import Seller
from comptoir.sellers.services import seller_approve, seller_suspend


def _with_listing_refresh(service):
    def run(*, seller):
        result = service(seller=seller)
        listing_refresh_seller(seller.pk)
        return result

    return run


@admin.action(description=sellers_admin.approve_sellers.short_description)
def approve_sellers(modeladmin, request, queryset):
    sellers_admin._run(modeladmin, request, queryset, _with_listing_refresh(seller_approve),
                       lambda n: ngettext("%d seller approved.", "%d sellers approved.", n) % n)


@admin.action(description=sellers_admin.suspend_sellers.short_description)
def suspend_sellers(modeladmin, request, queryset):
    sellers_admin._run(modeladmin, request, queryset, _with_listing_refresh(seller_suspend),
                       lambda n: ngettext("%d seller suspended.", "%d sellers suspended.", n) % n)


class SellerAdmin(sellers_admin.SellerAdmin):
    actions = [approve_sellers, suspend_sellers]


admin.site.unregister(Seller)
admin.site.register(Seller, SellerAdmin)
