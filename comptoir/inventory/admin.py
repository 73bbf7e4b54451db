from django.contrib import admin

from .models import Offer, StockLevel, StockLocation


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

    def save_related(self, request, form, formsets, change):
        from .listing import listing_refresh

        super().save_related(request, form, formsets, change)
        listing_refresh([form.instance.product_id])
