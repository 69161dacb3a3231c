"""Who has seen a person's full resident ID: the audit log's entries of
administrators unmasking it (`services.reveal_resident_id`), as the person
sees them on their own profile."""

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from talent.roles import Role

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
