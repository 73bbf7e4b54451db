"""Enqueue background tasks so that none is lost when a process dies just after a COMMIT.

Every call site enqueues through `task_enqueue`. With the database task backend
(django_tasks_db) the task row is written in the caller's transaction: committed with the data
or not at all. With a queue outside the database (RQ on Redis) a task enqueued inside a
transaction becomes a `TaskOutbox` row of that transaction (a transactional outbox); right after
the COMMIT the same process pushes it to the queue and marks it sent. A process that dies between
COMMIT and push leaves the row unsent, and `outbox_relay` (`comptoir outbox_relay`, run beside the
workers) pushes it later. Delivery is at least once: a crash between the push and the row's
mark sends the task a second time, so tasks must tolerate a repeat.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import Task, TaskResult
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend

from .models import TaskOutbox

logger = logging.getLogger(__name__)

SENT_ROWS_KEPT = timedelta(days=7)


def task_enqueue(task: Task, *args, **kwargs) -> TaskResult | TaskOutbox:
    """Enqueue ``task`` now when that is safe (no transaction, or a queue in our database that
    commits with it); inside a transaction with any other backend, write an outbox row and push
    it once the transaction commits. Returns the task result, or the outbox row."""
    if not transaction.get_connection().in_atomic_block or isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args, **kwargs)
    row = TaskOutbox.objects.create(
        task_path=task.module_path, args=list(args), kwargs=kwargs, queue_name=task.queue_name,
        priority=task.priority, run_after=task.run_after,
    )
    row_id = row.pk
    # robust: the data is committed whatever the queue says; an unreachable queue leaves the row
    # to the relay instead of failing the request.
    transaction.on_commit(lambda: outbox_push(row_id), robust=True)
    return row


def outbox_push(row_id: int) -> bool:
    """Push one unsent row to the task queue and mark it sent, in one transaction (the row is
    locked: a concurrent relay skips it). False when it was already sent, or being sent."""
    with transaction.atomic():
        row = TaskOutbox.objects.select_for_update(skip_locked=True).filter(pk=row_id, sent_at__isnull=True).first()
        if row is None:
            return False
        task: Task = import_string(row.task_path)
        task = task.using(queue_name=row.queue_name, priority=row.priority, run_after=row.run_after)
        result = task.enqueue(*row.args, **row.kwargs)
        row.sent_at, row.result_id = timezone.now(), str(result.id)[:64]
        row.save(update_fields=["sent_at", "result_id"])
    return True


def outbox_relay(*, older_than_seconds: int | None = None, limit: int = 1000) -> int:
    """Push the unsent rows older than ``older_than_seconds`` (default
    settings.OUTBOX_RELAY_AFTER_SECONDS: younger ones are still being pushed by the process that
    committed them), oldest first; forget rows sent more than a week ago. Returns how many were
    pushed. Stops at the first push that fails (the queue is down): the rest wait for the next run."""
    if older_than_seconds is None:
        older_than_seconds = settings.OUTBOX_RELAY_AFTER_SECONDS
    now = timezone.now()
    TaskOutbox.objects.filter(sent_at__lt=now - SENT_ROWS_KEPT).delete()
    due = TaskOutbox.objects.filter(sent_at__isnull=True, created_at__lte=now - timedelta(seconds=older_than_seconds))
    pushed = 0
    for row_id in due.order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            pushed += outbox_push(row_id)
        except Exception:
            logger.exception("outbox relay: pushing task row %s failed; it stays for the next run", row_id)
            break
    return pushed
