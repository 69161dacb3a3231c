"""Audit entries for actions that change no field but must be on record."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model


def record_event(instance: Model, *, event: str, actor, reason: str = "", data: dict | None = None) -> LogEntry:
    """Put on record an action that changes no field of `instance` but must be
    accounted for: an administrator overriding a rule (matching before the
    deadline, finishing a session early) or looking at a full resident ID.
    `event` is a key that the audit pages label (audit.display.EVENTS)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=actor,
        additional_data={"event": event, "reason": reason, **(data or {})},
    )
