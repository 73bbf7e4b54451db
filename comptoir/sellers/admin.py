from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from comptoir.markets.errors import UnknownCountry
from comptoir.markets.selectors import country_normalise

from .errors import SellerInvalid
from .identity import identity_clean
from .models import ApiKey, Seller, SellerMember


class SellerAdminForm(forms.ModelForm):
    """Runs the same identity checks as ``seller_register`` and stores compact values."""

    class Meta:
        model = Seller
        fields = "__all__"

    def clean(self):
        data = super().clean()
        try:
            data["country"] = country_normalise(data.get("country") or "")
        except UnknownCountry as exc:
            self.add_error("country", exc.message)
            return data
        city = data.get("city")
        if city is not None and city.country != data["country"]:
            self.add_error("city", _("This city is not in the seller's country."))
        try:
            data.update(
                identity_clean(
                    country=data["country"],
                    vat_number=data.get("vat_number") or "",
                    company_id=data.get("company_id") or "",
                    iban=data.get("iban") or "",
                )
            )
        except SellerInvalid as exc:
            for field, message in exc.errors.items():
                self.add_error(field, message)
        commission = data.get("commission_bp")
        if commission is not None and commission > 10_000:
            self.add_error("commission_bp", _("Commission must be between 0 and 10000 basis points."))
        return data


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    extra = 0
    raw_id_fields = ["user"]


class SellerAdmin(admin.ModelAdmin):
    """Registered by comptoir.inventory.admin, whose status actions keep the storefront listing
    true (a seller's status decides which offers buyers see)."""

    form = SellerAdminForm
    list_display = ["display_name", "legal_name", "country", "status", "vat_number", "commission_bp", "created_at"]
    list_filter = ["status", "country"]
    search_fields = ["display_name", "legal_name", "vat_number", "company_id", "slug"]
    readonly_fields = ["status", "latitude", "longitude", "created_at"]
    prepopulated_fields = {"slug": ["display_name"]}
    raw_id_fields = ["city"]
    inlines = [SellerMemberInline]

    def save_model(self, request, obj, form, change):
        if obj.city_id:
            obj.latitude, obj.longitude = obj.city.latitude, obj.city.longitude
        super().save_model(request, obj, form, change)


@admin.register(SellerMember)
class SellerMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "seller", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "seller__display_name"]
    raw_id_fields = ["user", "seller"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created by the seller (the secret is shown once); here they are read-only."""

    list_display = ["name", "seller", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "seller__display_name"]
    readonly_fields = ["seller", "name", "prefix", "hashed_secret", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
