"""Audit writes: one function, called by the service that performs the action, in its transaction
(the action and its audit entry commit together or not at all)."""
from __future__ import annotations

from collections.abc import Mapping

from .models import AuditEntry


def audit_record(
    *, actor, action: str, object_type: str, object_key: str, reason: str,
    subject_type: str = "", subject_key: str = "",
    before: Mapping | None = None, after: Mapping | None = None,
) -> AuditEntry:
    """Record an operator action. ``reason`` is required (an empty one raises ValueError: the
    callers validate it first and show a form error)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("an audit entry needs a reason")
    return AuditEntry.objects.create(
        actor=actor, action=action, object_type=object_type, object_key=str(object_key), reason=reason,
        subject_type=subject_type or object_type, subject_key=str(subject_key or object_key),
        before=dict(before or {}), after=dict(after or {}),
    )
