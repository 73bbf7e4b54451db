from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for(*, subject_type: str, subject_key: str) -> QuerySet[AuditEntry]:
    """Entries about one object (and the objects shown with it), newest first, with their actors."""
    return AuditEntry.objects.filter(subject_type=subject_type, subject_key=str(subject_key)).select_related("actor")
