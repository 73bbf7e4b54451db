"""Operator admin: read-only journal browsing and accounts with their balances.

The journal is append-only; corrections are new entries posted through ledger.services. Staff
see these pages only with the "view" (or "change") permission of the model, as for any model.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Account, JournalEntry, JournalLine
from .selectors import accounts_with_balances


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournalLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = JournalLine
    fields = ("account", "amount", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "kind", "reference", "unique_key", "memo")
    list_filter = ("kind",)
    search_fields = ("reference", "unique_key", "memo")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "kind", "reference", "unique_key", "memo")
    inlines = [JournalLineInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "owner_type", "owner_id", "currency", "balance_display", "line_count")
    list_filter = ("kind", "currency", "owner_type")
    search_fields = ("owner_id",)
    readonly_fields = ("kind", "owner_type", "owner_id", "currency", "created_at")

    def get_queryset(self, request):
        return accounts_with_balances()

    @admin.display(description=_("balance (debit +, credit −)"), ordering="balance")
    def balance_display(self, obj):
        return obj.balance

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, obj):
        return obj.line_count
