"""Operator admin for stores: partners (identity checked like sellers), stores with their hours
and closed days, staff; read-only views of the consignments, the shelf audit trail, the stores'
click & collect pickups (orders' Pickup rows: they change through the store console; the one
action, unlocking, calls the orders service), the till sessions, the receipts and the sales
journal (which nobody can change or delete, here or elsewhere). A store's status changes through
actions that call the services (closing one takes its shelf off the listing)."""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.common.errors import DomainError
from comptoir.inventory.models import ClosedDay, LocationKind, LocationStatus, OpeningHours
from comptoir.orders.models import Pickup
from comptoir.orders.services import pickup_unlock
from comptoir.sellers.errors import SellerInvalid
from comptoir.sellers.identity import identity_clean

from . import services
from .models import (
    Consignment,
    ConsignmentLine,
    Partner,
    PartnerMember,
    PosSale,
    PosSaleLine,
    SalesJournalEntry,
    StockCorrection,
    Store,
    StoreSite,
    StoreStaff,
    TillSession,
)


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


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and changes nothing."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsignmentLineInline(ReadOnlyInline):
    model = ConsignmentLine
    fields = ("offer", "quantity", "quantity_received", "difference_reason")
    readonly_fields = fields


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


@admin.action(description=_("Unlock selected pickups (the buyer was checked)"))
def unlock_pickups(modeladmin, request, queryset):
    count = 0
    for pickup in queryset.exclude(locked_at=None).order_by("pk"):
        try:
            pickup_unlock(seller_order_id=pickup.seller_order_id, location_id=pickup.location_id)
            count += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{pickup.seller_order.number}: {exc.message}", messages.ERROR)
    modeladmin.message_user(request, ngettext("%d pickup unlocked.", "%d pickups unlocked.", count) % count,
                            messages.SUCCESS if count else messages.WARNING)


class PickupStoreFilter(admin.SimpleListFilter):
    """Every store (not every stock location, nor only those that had a pickup yet)."""

    title = _("store")
    parameter_name = "store"

    def lookups(self, request, model_admin):
        return [(str(loc_id), name) for loc_id, name in Store.objects.order_by("location__name").values_list("location_id", "location__name")]

    def queryset(self, request, queryset):
        return queryset.filter(location_id=int(self.value())) if (self.value() or "").isdigit() else queryset


@admin.register(Pickup)
class PickupAdmin(ReadOnlyAdmin):
    """The stores' click & collect pickups: found by order reference, seller order number or
    pickup code; filtered by store and state."""

    list_display = ("number", "store_name", "state", "wrong_codes", "is_locked_display", "created_at", "ready_at",
                    "collect_by", "handed_over_at")
    list_filter = (PickupStoreFilter, "state")
    search_fields = ("seller_order__number", "seller_order__order__reference", "=code")
    fields = ("number", "order_reference", "store_name", "state", "code", "wrong_codes", "locked_at", "created_at",
              "ready_at", "collect_by", "handed_over_at", "handed_over_by", "expired_at")
    readonly_fields = fields
    date_hierarchy = "created_at"
    list_select_related = ("seller_order__order", "location")
    actions = [unlock_pickups]

    def has_change_permission(self, request, obj=None):
        # the change page shows the pickup read-only; the actions need the permission on the list
        return obj is None and request.user.has_perm("orders.change_pickup")

    @admin.display(description=_("seller order"), ordering="seller_order__number")
    def number(self, obj):
        return obj.seller_order.number

    @admin.display(description=_("order"), ordering="seller_order__order__reference")
    def order_reference(self, obj):
        return obj.seller_order.order.reference

    @admin.display(description=_("store"), ordering="location__name")
    def store_name(self, obj):
        return obj.location.name

    @admin.display(description=_("locked"), boolean=True)
    def is_locked_display(self, obj):
        return obj.is_locked


# --- the till, read-only ---------------------------------------------------------------------


@admin.register(TillSession)
class TillSessionAdmin(ReadOnlyAdmin):
    list_display = ("number", "store", "till", "opened_at", "opened_by", "closed_at", "opening_float", "expected_cash",
                    "counted_cash", "difference", "currency")
    list_filter = ("store", "till")
    search_fields = ("store__slug", "opened_by__email")
    list_select_related = ("store__location", "opened_by")
    date_hierarchy = "opened_at"


class PosSaleLineInline(ReadOnlyInline):
    model = PosSaleLine
    fk_name = "sale"
    fields = ("gtin", "title", "seller", "quantity", "unit_net", "rate_bp", "liable_party", "net", "vat", "gross", "commission",
              "partner_share", "returned_line")
    readonly_fields = fields


@admin.register(PosSale)
class PosSaleAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "store", "created_at", "clerk", "method", "total_net", "total_vat", "total_gross", "currency")
    list_filter = ("kind", "method", "store")
    search_fields = ("number", "store__slug", "returned_order_ref")
    list_select_related = ("store__location", "clerk")
    date_hierarchy = "created_at"
    inlines = [PosSaleLineInline]


@admin.register(SalesJournalEntry)
class SalesJournalEntryAdmin(ReadOnlyAdmin):
    """The append-only journal: listed and shown, never added, changed or deleted (the model,
    its manager and a database trigger refuse it too); `comptoir journal_verify` checks it."""

    list_display = ("store", "till", "sequence", "kind", "reference", "created_at", "hash")
    list_filter = ("kind", "store", "till")
    search_fields = ("reference", "hash", "store__slug")
    list_select_related = ("store__location",)
    date_hierarchy = "created_at"

    def get_actions(self, request):
        return {}  # not even the bulk delete action
