import pytest
from django.db import IntegrityError, connection, transaction

from comptoir.audit.models import AuditEntry, AuditEntryChangeRefused
from comptoir.audit.selectors import audit_entries_for
from comptoir.audit.services import audit_record
from comptoir.orders.tests import factories as f

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_why_and_before_after_and_is_read_by_subject():
    operator = f.user("lead@comptoir.example", is_staff=True)
    entry = audit_record(
        actor=operator, action="seller_order.cancel", object_type="orders.sellerorder", object_key="ABC-1",
        subject_type="orders.order", subject_key="ABC", reason="  ordered twice ", before={"state": "placed"}, after={"state": "cancelled"},
    )
    assert (entry.actor, entry.reason, entry.before, entry.after) == (operator, "ordered twice", {"state": "placed"}, {"state": "cancelled"})
    assert list(audit_entries_for(subject_type="orders.order", subject_key="ABC")) == [entry]
    assert list(audit_entries_for(subject_type="orders.order", subject_key="ABD")) == []


def test_a_reason_is_required():
    with pytest.raises(ValueError):
        audit_record(actor=f.user(), action="x", object_type="orders.order", object_key="A", reason=" ")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(actor=f.user(), action="x", object_type="o", object_key="A", subject_type="o", subject_key="A", reason="")
    assert AuditEntry.objects.count() == 0


def test_entries_cannot_be_changed_or_deleted():
    entry = audit_record(actor=f.user(), action="x", object_type="orders.order", object_key="A", reason="why")
    entry.reason = "another story"
    with pytest.raises(AuditEntryChangeRefused):
        entry.save()
    with pytest.raises(AuditEntryChangeRefused):
        entry.delete()
    if connection.vendor == "postgresql":  # the trigger refuses what bypasses the model
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(reason="bulk")
    assert AuditEntry.objects.get().reason == "why"
