"""The audit log: one row per operator action (who, when, what, on which object, why, and the
values before and after). Append-only: rows are never changed or deleted (the model refuses it;
on PostgreSQL a trigger refuses it too)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryChangeRefused(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    # The object acted on, named by its app label, model and a stable key (e.g. an order reference).
    object_type = models.CharField(_("object type"), max_length=60)
    object_key = models.CharField(_("object"), max_length=80)
    # The object the entry belongs to when shown (e.g. the order of a seller order).
    subject_type = models.CharField(max_length=60)
    subject_key = models.CharField(max_length=80)
    reason = models.TextField(_("reason"))
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["subject_type", "subject_key", "created_at"], name="audit_subject")]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="audit_reason_required")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_key}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditEntryChangeRefused("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryChangeRefused("audit entries are append-only")
