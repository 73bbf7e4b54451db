"""A task for the outbox and worker tests: it appends a line to a file, so that a worker in
another process leaves a trace the test can read."""
from pathlib import Path

from django.tasks import task


@task()
def append_line(path: str, text: str) -> int:
    with Path(path).open("a") as out:
        out.write(text + "\n")
    return len(text)
