"""Operator admin: payments with their audit trail, read-only.

Registered by orders (comptoir/orders/admin.py): its action "cancel authorizations" goes through
the orders service that also cancels the order's parts and releases their stock."""
from django.contrib import admin

from .models import Payment, PaymentEvent


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "payload", "dedup_key")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PaymentAdmin(admin.ModelAdmin):
    list_display = ("id", "order_ref", "provider", "amount", "currency", "status", "captured_amount", "refunded_amount", "card_brand", "card_last4", "created_at")
    list_filter = ("status", "provider", "currency")
    search_fields = ("order_ref", "idempotency_key", "provider_reference")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
