from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.markets.models import Market


class CandidateSite(models.Model):
    """An address an operator proposes as a store site (beside the cities the planner considers)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_active = models.BooleanField(pgettext_lazy("candidate site", "active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["market", "name"]
        verbose_name = _("candidate site")
        verbose_name_plural = _("candidate sites")
        constraints = [
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="candidatesite_lat_range"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180), name="candidatesite_lon_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.market.code})"


class PlanRun(models.Model):
    """One run of the planner: what was asked and what came out (JSON), for the operator pages."""

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(_("parameters"))
    result = models.JSONField(_("result"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")

    def __str__(self) -> str:
        return f"Plan #{self.pk} {self.market.code} {self.created_at:%Y-%m-%d %H:%M}"
