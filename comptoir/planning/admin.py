from django.contrib import admin

from .models import CandidateSite, PlanRun


@admin.register(CandidateSite)
class CandidateSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "market", "latitude", "longitude", "is_active", "created_at"]
    list_filter = ["market", "is_active"]
    search_fields = ["name"]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["id", "market", "created_by", "created_at"]
    list_filter = ["market"]
    readonly_fields = ["market", "parameters", "result", "created_by", "created_at"]
