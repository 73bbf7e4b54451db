"""Operator admin of orders (read-only: a list and a search that lead to the order desk, where
refunds and cancellations are made) and of what orders owns the consequences of: payments
(their admin class lives in payments; its actions that change orders are registered here,
calling orders' services)."""
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comptoir.common.errors import DomainError
from comptoir.payments.admin import PaymentAdmin
from comptoir.payments.models import Payment, PaymentStatus

from .models import Order
from .services import order_authorization_cancel


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders, read-only: each row links to its page on the order desk."""

    list_display = ["reference", "created_at", "email", "market", "total", "payment_status", "desk_link"]
    list_filter = ["payment_status", "market"]
    search_fields = ["=reference", "=email", "parts__seller__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["market"]
    show_full_result_count = False

    @admin.display(description=_("total"), ordering="total_gross")
    def total(self, obj):
        from .templatetags.orders_money import money

        return money(obj.total_gross, obj.currency)

    @admin.display(description=_("order desk"))
    def desk_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("operator:order", args=[obj.reference]), _("Open on the order desk"))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class OrderPaymentAdmin(PaymentAdmin):
    actions = ["cancel_authorizations"]

    @admin.action(description=_("Cancel the selected uncaptured authorizations"), permissions=["change"])
    def cancel_authorizations(self, request, queryset):
        cancelled = 0
        for payment in queryset.filter(status__in=[PaymentStatus.AUTHORIZED, PaymentStatus.PENDING]):
            try:
                order_authorization_cancel(payment)
                cancelled += 1
            except DomainError as exc:
                self.message_user(request, f"#{payment.pk}: {exc.message}", messages.ERROR)
        if cancelled:
            self.message_user(request, _("%(count)d authorizations cancelled.") % {"count": cancelled}, messages.SUCCESS)
