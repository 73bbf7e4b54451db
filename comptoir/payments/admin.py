"""Operator admin: payments with their audit trail, read-only. Admin actions call services."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from comptoir.common.errors import DomainError

from .models import Payment, PaymentEvent, PaymentStatus
from .services import payment_cancel


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "payload", "dedup_key")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("id", "order_ref", "provider", "amount", "currency", "status", "captured_amount", "refunded_amount", "card_brand", "card_last4", "created_at")
    list_filter = ("status", "provider", "currency")
    search_fields = ("order_ref", "idempotency_key", "provider_reference")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]
    actions = ["cancel_authorizations"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected uncaptured authorizations"))
    def cancel_authorizations(self, request, queryset):
        for payment in queryset.filter(status__in=[PaymentStatus.AUTHORIZED, PaymentStatus.PENDING]):
            try:
                payment_cancel(payment=payment)
            except DomainError as exc:
                self.message_user(request, f"#{payment.pk}: {exc.message}", messages.ERROR)
