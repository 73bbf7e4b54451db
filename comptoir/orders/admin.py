"""Operator admin of what orders owns the consequences of: payments (their admin class lives in
payments; its actions that change orders are registered here, calling orders' services)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from comptoir.common.errors import DomainError
from comptoir.payments.admin import PaymentAdmin
from comptoir.payments.models import Payment, PaymentStatus

from .services import order_authorization_cancel


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
