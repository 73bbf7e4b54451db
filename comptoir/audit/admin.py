"""The audit log in the admin: read-only (no add, change or delete, even for superusers)."""
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_key", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_key", "subject_key", "reason", "actor__email", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
