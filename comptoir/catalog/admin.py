from django.contrib import admin

from .models import Category, Product, ProductImage, ProductText
from .services import search_index_products


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_fr", "name_es", "parent", "tax_class", "commission_bp", "position")
    list_filter = ("tax_class", "parent")
    search_fields = ("slug", "names")
    autocomplete_fields = ("parent",)
    ordering = ("parent_id", "position", "slug")

    @admin.display(description="name (en)")
    def name_en(self, obj):
        return obj.names.get("en", "")

    @admin.display(description="name (fr)")
    def name_fr(self, obj):
        return obj.names.get("fr", "")

    @admin.display(description="name (es)")
    def name_es(self, obj):
        return obj.names.get("es", "")


class ProductTextInline(admin.StackedInline):
    model = ProductText
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


class ProductAdmin(admin.ModelAdmin):
    """Registered by comptoir.inventory.admin: a product's active flag decides what buyers see,
    so its changes go through inventory's services, which refresh the listing."""

    list_display = ("gtin", "brand", "category", "tax_class", "is_active", "created_at")
    readonly_fields = ("is_active",)
    list_filter = ("is_active", "tax_class", "category")
    search_fields = ("gtin", "brand", "texts__title")
    autocomplete_fields = ("category",)
    inlines = [ProductTextInline, ProductImageInline]
    actions = ["reindex"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index_products([form.instance.pk])

    @admin.action(description="Rebuild the search index of the selected products")
    def reindex(self, request, queryset):
        search_index_products(queryset.values_list("id", flat=True))
