from django.contrib import admin

from .models import City, Market, VatRate
from .names import search_fold


class VatRateInline(admin.TabularInline):
    model = VatRate
    extra = 0
    fields = ["tax_class", "rate_bp", "valid_from"]
    ordering = ["tax_class", "-valid_from"]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "languages", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["code", "name"]
    inlines = [VatRateInline]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "local_name", "country", "admin1", "postcode", "population", "geonames_id"]
    list_filter = ["country"]
    search_fields = ["search_name", "search_names__search_name", "postcode", "=geonames_id"]
    ordering = ["country", "-population"]
    show_full_result_count = False
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        # Names are searched on the folded keys (GeoNames' name and the other names), so
        # "Séville", "SAINT-ÉTIENNE" or "München" match too.
        folded = search_fold(search_term) if not search_term.strip().isdigit() else search_term
        return super().get_search_results(request, queryset, folded)
