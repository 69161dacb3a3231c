"""A practitioner's audit trail: the log entries of their record and of the
records about them (enrolments, placements, certificates ...).

Those records live in the apps built on top of talent. The app that shows the
trail registers them here from its AppConfig.ready(), so that talent never
imports them (the same arrangement as `talent.scopes`).
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

_related_records: list[tuple[type[Model], str]] = []


def add_related_records(model: type[Model], practitioner_lookup: str) -> None:
    """Rows of `model` whose `practitioner_lookup` (e.g. "placement__trainee")
    is a practitioner belong to that practitioner's trail."""
    if (model, practitioner_lookup) not in _related_records:
        _related_records.append((model, practitioner_lookup))


def entries_for(practitioner: Model) -> QuerySet[LogEntry]:
    """Newest first, with the actor and content type loaded."""
    types = ContentType.objects.get_for_models(type(practitioner), *(model for model, _ in _related_records))
    condition = Q(content_type=types[type(practitioner)], object_id=practitioner.pk)
    for model, lookup in _related_records:
        ids = model._default_manager.filter(**{lookup: practitioner}).values("pk")
        condition |= Q(content_type=types[model], object_id__in=ids)
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp", "-pk")
