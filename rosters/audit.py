"""Audit entries for rows written in bulk.

django-auditlog records a change from the model's save and delete signals;
`bulk_create` and `bulk_update` send none. Code that writes many rows at once
(imports, matching) calls `record_bulk` after the write, so that the audit log
still has one entry per row. The caller names the actor: auditlog's own context
value outlives the request that set it, so it cannot be read here.
"""

from collections.abc import Callable, Sequence

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model


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
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance)[:200],
                action=action,
                changes=changes(instance),
                actor=actor,
                additional_data=additional_data,
            )
            for instance in instances
        ],
        batch_size=2000,
    )
