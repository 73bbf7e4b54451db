"""Tables of the common app: the task outbox (comptoir.common.outbox)."""
from django.db import models
from django.utils import timezone


class TaskOutbox(models.Model):
    """A background task enqueued inside a transaction, written in that transaction: it exists
    exactly when the data that caused it was committed, and stays unsent until pushed to the
    task queue (right after the COMMIT, or later by the relay when that push never happened)."""

    task_path = models.CharField(max_length=255)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    queue_name = models.CharField(max_length=100, default="default")
    priority = models.SmallIntegerField(default=0)
    run_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    result_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="task_outbox_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_path}{tuple(self.args)} ({'sent' if self.sent_at else 'unsent'})"
