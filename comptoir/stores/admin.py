"""Operator admin for stores: partners (identity checked like sellers), stores with their hours
and closed days, staff, and the read-only consignments and shelf audit trail. A store's status
changes through actions that call the services (closing one takes its shelf off the listing)."""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.common.errors import DomainError
from comptoir.inventory.models import ClosedDay, LocationKind, LocationStatus, OpeningHours
from comptoir.sellers.errors import SellerInvalid
from comptoir.sellers.identity import identity_clean

from . import services
from .models import Consignment, ConsignmentLine, Partner, PartnerMember, StockCorrection, Store, StoreSite, StoreStaff


class PartnerForm(forms.ModelForm):
    """Checks the identity numbers with the sellers' stdnum rules and stores them compact."""

    class Meta:
        model = Partner
        fields = ["legal_name", "country", "vat_number", "company_id", "iban", "iban_holder", "share_bp"]

    def clean(self):
        data = super().clean()
        if not data.get("country"):
            return data
        try:
            data.update(identity_clean(country=data["country"].upper(), vat_number=data.get("vat_number", ""),
                                       company_id=data.get("company_id", ""), iban=data.get("iban", "")))
        except SellerInvalid as exc:
            for field, message in exc.errors.items():
                self.add_error(field, message)
        data["country"] = data["country"].upper()
        return data


class PartnerMemberInline(admin.TabularInline):
    model = PartnerMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ("legal_name", "country", "vat_number", "share_bp", "has_bank_details", "created_at")
    list_filter = ("country",)
    search_fields = ("legal_name", "vat_number", "company_id")
    inlines = [PartnerMemberInline]

    @admin.display(boolean=True, description=_("bank details"))
    def has_bank_details(self, partner: Partner) -> bool:
        """Without an IBAN the weekly payout run holds the partner's share (and says so)."""
        return bool(partner.iban)


class StoreInline(admin.StackedInline):
    model = Store
    fk_name = "location"
    can_delete = False
    min_num = max_num = 1
    fields = ("market", "partner", "slug", "phone", "email")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


def _run_each(modeladmin, request, queryset, service: Callable, done: Callable[[int], str]) -> None:
    count = 0
    for site in queryset.select_related("store").order_by("pk"):
        try:
            service(store=site.store)
            count += 1
        except (DomainError, Store.DoesNotExist) as exc:
            modeladmin.message_user(request, f"{site}: {exc.message if isinstance(exc, DomainError) else exc}", messages.ERROR)
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)


@admin.action(description=_("Open selected stores"))
def open_stores(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.store_open, lambda n: ngettext("%d store opened.", "%d stores opened.", n) % n)


@admin.action(description=_("Close selected stores"))
def close_stores(modeladmin, request, queryset):
    _run_each(modeladmin, request, queryset, services.store_close, lambda n: ngettext("%d store closed.", "%d stores closed.", n) % n)


@admin.register(StoreSite)
class StoreSiteAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country", "status", "partner_name")
    list_filter = ("status", "country")
    search_fields = ("name", "address", "store__slug", "store__partner__legal_name")
    fields = ("name", "address", "postcode", "city", "latitude", "longitude", "time_zone", "status")
    readonly_fields = ("status",)
    raw_id_fields = ("city",)
    inlines = [StoreInline, OpeningHoursInline, ClosedDayInline]
    actions = [open_stores, close_stores]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=LocationKind.STORE).select_related("city", "store__partner")

    @admin.display(description=_("partner"))
    def partner_name(self, obj):
        try:
            partner = obj.store.partner
        except Store.DoesNotExist:  # a location whose Store row is not saved yet
            return "—"
        return partner.legal_name if partner else "—"

    def save_model(self, request, obj, form, change):
        # a store's location: no seller, the city's country; new stores start planned (opened by the action)
        obj.kind, obj.seller, obj.country = LocationKind.STORE, None, obj.city.country
        if not change:
            obj.status = LocationStatus.PLANNED
        super().save_model(request, obj, form, change)


@admin.register(StoreStaff)
class StoreStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "store", "role")
    list_filter = ("role", "store")
    search_fields = ("user__email", "user__username", "store__slug")
    raw_id_fields = ("user",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsignmentLineInline(admin.TabularInline):
    model = ConsignmentLine
    fields = ("offer", "quantity", "quantity_received", "difference_reason")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consignment)
class ConsignmentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "direction", "seller", "store", "state", "created_at", "received_at")
    list_filter = ("state", "direction", "store")
    search_fields = ("reference", "seller__display_name", "store__slug")
    inlines = [ConsignmentLineInline]


@admin.register(StockCorrection)
class StockCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "store", "kind", "stock_level", "delta", "on_hand_after", "reason", "user")
    list_filter = ("kind", "store")
    search_fields = ("reason", "store__slug")
