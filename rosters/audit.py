"""Audit entries for rows written in bulk.

django-auditlog records a change from the model's save and delete signals;
`bulk_create` and `bulk_update` send none. Code that writes many rows at once
(imports, matching) calls `record_bulk` after the write, so that the audit log
still has one entry per row. The caller names the actor: auditlog's own context
value outlives the request that set it, so it cannot be read here.
"""

import json
from collections.abc import Callable, Sequence

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from rosters import bulk


def creation_changes(instance: Model) -> dict:
    """What auditlog itself records for a new row: every field, from None."""
    return model_instance_diff(None, instance, use_json_for_changes=True) or {}


def record_bulk(
    instances: Sequence[Model],
    *,
    action: int,
    changes: Callable[[Model], dict] = creation_changes,
    actor=None,
    additional_data: dict | None = None,
) -> None:
    """One entry per instance (already written, so with its primary key)."""
    if not instances or not auditlog.contains(type(instances[0])):
        return
    content_type = ContentType.objects.get_for_model(type(instances[0]))
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)

    def entry(instance) -> LogEntry:
        return LogEntry(
            content_type=content_type,
            object_pk=str(instance.pk),
            object_id=instance.pk,
            object_repr=str(instance)[:200],
            action=action,
            changes=changes(instance),
            actor=actor,
            additional_data=additional_data,
            timestamp=now,
        )

    def row(instance) -> tuple:
        # The columns of an entry as PostgreSQL reads them: no model
        # instance per row, which costs more than the write itself.
        return (
            content_type.pk,
            str(instance.pk),
            instance.pk,
            str(instance)[:200],
            action,
            "",
            json.dumps(changes(instance), ensure_ascii=False),
            actor_id,
            now,
            json.dumps(additional_data) if additional_data is not None else None,
        )

    columns = (
        "content_type_id",
        "object_pk",
        "object_id",
        "object_repr",
        "action",
        "changes_text",
        "changes",
        "actor_id",
        "timestamp",
        "additional_data",
    )
    bulk.insert(LogEntry, instances, columns=columns, row=row, instance=entry)
