"""The task outbox: a task enqueued inside a transaction is a row of that transaction (rolled back
with it), pushed once after the COMMIT; a push that never happened (the process died just after
the COMMIT) is made by the relay. The queue here is the immediate backend (the push runs the task
inline); tests/test_task_backends.py runs real workers on the database backend and on RQ."""
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from comptoir.common.models import TaskOutbox
from comptoir.common.outbox import outbox_push, outbox_relay, task_enqueue

from .tasks_for_tests import append_line

pytestmark = [pytest.mark.django_db, pytest.mark.tasks]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_task_enqueued_in_a_transaction_is_one_outbox_row_pushed_once_after_the_commit(tmp_path, django_capture_on_commit_callbacks):
    trace = tmp_path / "trace"
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            task_enqueue(append_line, str(trace), "order 1")
            task_enqueue(append_line, str(trace), "order 2")
            assert list(TaskOutbox.objects.values_list("args", "sent_at")) == [([str(trace), "order 1"], None), ([str(trace), "order 2"], None)]
            assert _lines(trace) == []  # nothing runs before the COMMIT
    assert _lines(trace) == ["order 1", "order 2"]
    assert TaskOutbox.objects.filter(sent_at__isnull=True).count() == 0
    assert outbox_relay(older_than_seconds=0) == 0
    assert _lines(trace) == ["order 1", "order 2"]


def test_a_rolled_back_transaction_leaves_no_row_and_runs_nothing(tmp_path, django_capture_on_commit_callbacks):
    trace = tmp_path / "trace"
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            task_enqueue(append_line, str(trace), "order 1")
            raise RuntimeError("the order failed")
    assert TaskOutbox.objects.count() == 0
    assert outbox_relay(older_than_seconds=0) == 0
    assert _lines(trace) == []


def test_a_push_that_never_happened_is_made_by_the_relay_once(tmp_path, django_capture_on_commit_callbacks, clock):
    trace = tmp_path / "trace"
    with django_capture_on_commit_callbacks(execute=False):  # the process died after the COMMIT
        with transaction.atomic():
            row = task_enqueue(append_line.using(priority=5), str(trace), "order 1")
    assert _lines(trace) == []
    assert outbox_relay() == 0  # younger than OUTBOX_RELAY_AFTER_SECONDS: still its process's own
    clock.advance(11)
    call_command("outbox_relay", verbosity=0)
    assert _lines(trace) == ["order 1"]
    row.refresh_from_db()
    assert row.sent_at is not None and row.priority == 5 and row.result_id
    assert outbox_relay(older_than_seconds=0) == 0
    assert outbox_push(row.pk) is False
    assert _lines(trace) == ["order 1"]


def test_with_the_database_backend_the_task_row_is_written_in_the_transaction_and_no_outbox_row(tmp_path):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with transaction.atomic():
            task_enqueue(append_line, str(tmp_path / "trace"), "order 1")
        with pytest.raises(RuntimeError), transaction.atomic():
            task_enqueue(append_line, str(tmp_path / "trace"), "order 2")
            raise RuntimeError("the order failed")
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[str(tmp_path / "trace"), "order 1"]]
    assert TaskOutbox.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_the_task_is_enqueued_at_once(tmp_path):
    trace = tmp_path / "trace"
    task_enqueue(append_line, str(trace), "now")
    assert _lines(trace) == ["now"]
    assert TaskOutbox.objects.count() == 0
