"""A practitioner's audit trail: the log entries of their record and of the
records about them (enrolments, placements, hour logs, evaluations, certificates)."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement
from training.models import Enrollment

#: The records about a person, and the lookup from each to the person.
RELATED_RECORDS: list[tuple[type[Model], str]] = [
    (Enrollment, "trainee"),
    (Placement, "trainee"),
    (HourLog, "placement__trainee"),
    (Evaluation, "placement__trainee"),
    (Certificate, "holder"),
]


def entries_for(practitioner: Model) -> QuerySet[LogEntry]:
    """Newest first, with the actor and content type loaded."""
    types = ContentType.objects.get_for_models(type(practitioner), *(model for model, _ in RELATED_RECORDS))
    condition = Q(content_type=types[type(practitioner)], object_id=practitioner.pk)
    for model, lookup in RELATED_RECORDS:
        ids = model._default_manager.filter(**{lookup: practitioner}).values("pk")
        condition |= Q(content_type=types[model], object_id__in=ids)
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp", "-pk")
