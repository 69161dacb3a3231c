"""A practitioner's audit trail: the log entries of their record and of the
records about them (enrolments, placements, certificates ...).

Those records live in the apps built on top of talent. The app that shows the
trail registers them here from its AppConfig.ready(), so that talent never
imports them (the same arrangement as `talent.scopes`).
"""

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from talent.roles import Role

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


# The event key of a look at a full resident ID (services.reveal_resident_id).
RESIDENT_ID_VIEWED = "unmask_resident_id"


@dataclass(frozen=True)
class ResidentIDView:
    when: datetime.datetime
    viewer: str
    role: str


def resident_id_views(practitioner: Model) -> QuerySet[LogEntry]:
    """Who saw the person's full resident ID, newest first."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(practitioner)),
            object_id=practitioner.pk,
            action=LogEntry.Action.ACCESS,
            additional_data__event=RESIDENT_ID_VIEWED,
        )
        .select_related("actor")
        .prefetch_related("actor__groups")
        .order_by("-timestamp", "-pk")
    )


def describe_views(entries) -> list[ResidentIDView]:
    """For the person themselves: when, by whom and in which role; an account
    deleted since is still a view, by someone no longer known."""
    return [
        ResidentIDView(
            when=entry.timestamp,
            viewer=entry.actor.get_full_name() if entry.actor else str(_("A deleted account")),
            role=_role_label(entry.actor),
        )
        for entry in entries
    ]


def _role_label(user) -> str:
    if user is None:
        return ""
    names = {group.name for group in user.groups.all()}
    if user.is_superuser or Role.ADMINISTRATOR in names:
        return str(Role.ADMINISTRATOR.label)
    for role in (Role.COORDINATOR, Role.TRAINEE):
        if role in names:
            return str(role.label)
    return ""
