"""Log entries as people read them: the record with a link, the actor, and each
changed field as "label: old → new" in the reader's language."""

import datetime
import posixpath
from collections import defaultdict
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from talent import resident_id
from talent.fields import ResidentIDField

EMPTY = "—"
# The actor of changes nobody made by hand (a command, a background task).
SYSTEM = _("System")

# auditlog's own labels have no Chinese translation.
ACTIONS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Recorded"),
}

# What an entry of talent.audit.record_event says happened, by its event key.
EVENTS = {
    "match_before_deadline": _("Matched the round before its preference deadline"),
    "confirm_before_deadline": _("Confirmed the round before its preference deadline"),
    "confirm_unpublished": _("Confirmed the round without publishing the proposals for appeal"),
    "finish_early": _("Finished the session before its end date"),
    "results_early": _("Recorded results before the session's end date"),
    "attendance_override": _("Entered attended hours that differ from the register"),
    "unmask_resident_id": _("Viewed the full resident ID"),
    "session_cancelled": _("Cancelled the session"),
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Row:
    entry: LogEntry
    action: str
    record_type: str
    record_url: str
    actor: str
    changes: list[Change]
    event: str = ""
    reason: str = ""


def rows(entries) -> list[Row]:
    """One row per entry. The entries should come with their actor and content
    type; the objects that changed foreign keys point to are loaded in one
    query per model, however many entries there are."""
    changed = [(entry, _fields(entry)) for entry in entries]
    related = _related_objects(fields for _entry, fields in changed)
    return [
        Row(
            entry=entry,
            action=str(ACTIONS.get(entry.action, entry.get_action_display())),
            record_type=_record_type(entry),
            record_url=record_url(entry),
            actor=_actor(entry),
            changes=_changes(fields, related),
            event=_event(entry),
            reason=(entry.additional_data or {}).get("reason", "") if entry.action == LogEntry.Action.ACCESS else "",
        )
        for entry, fields in changed
    ]


def _event(entry: LogEntry) -> str:
    if entry.action != LogEntry.Action.ACCESS:
        return ""
    key = (entry.additional_data or {}).get("event", "")
    return str(EVENTS.get(key, key))


def record_url(entry: LogEntry) -> str:
    """The record's page on the site, else its administration page; none once deleted."""
    if entry.action == LogEntry.Action.DELETE:
        return ""
    content_type = entry.content_type
    if (content_type.app_label, content_type.model) == ("talent", "practitioner"):
        return reverse("talent:practitioner-detail", args=[entry.object_pk])
    try:
        return reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[entry.object_pk])
    except NoReverseMatch:
        return ""


def _record_type(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else entry.content_type.model


def _actor(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name()
    # The account was deleted after the change.
    return entry.actor_email or str(SYSTEM)


def _fields(entry: LogEntry):
    """(field or None, name, values) for each change of the entry, in the
    model's field order. A new record's entry also lists its reverse relations
    and its primary key (auditlog diffs every attribute); they are left out."""
    model = entry.content_type.model_class()
    found = []
    for name, values in (entry.changes or {}).items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and ((field.auto_created and not field.concrete) or field.primary_key):
            continue
        found.append((field, name, values))
    order = {field: index for index, field in enumerate(model._meta.get_fields())} if model else {}
    return sorted(found, key=lambda change: order.get(change[0], len(order)))


def _related_objects(fields_of_entries) -> dict[type[models.Model], dict]:
    wanted = defaultdict(set)
    for fields in fields_of_entries:
        for field, _name, values in fields:
            if isinstance(field, models.ForeignKey) and isinstance(values, (list, tuple)):
                wanted[field.related_model].update(v for v in values if v not in (None, "None", ""))
    # select_related() follows the non-null foreign keys, which is what the
    # models' __str__ use (a position names its base's sub-district).
    return {
        model: model._default_manager.select_related().in_bulk([model._meta.pk.to_python(pk) for pk in pks])
        for model, pks in wanted.items()
    }


def _changes(fields, related: dict) -> list[Change]:
    changes = []
    for field, name, values in fields:
        label = capfirst(field.verbose_name) if field else name
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = "、".join(values.get("objects", []))
            if values.get("operation") == "add":
                changes.append(Change(label, EMPTY, objects))
            else:
                changes.append(Change(label, objects, EMPTY))
            continue
        old, new = (_value(field, value, related) for value in values)
        if old != new:  # e.g. None → "" on a new record
            changes.append(Change(label, old, new))
    return changes


def _value(field: models.Field | None, value, related: dict) -> str:
    if value is None or value in ("None", ""):
        return EMPTY
    if field is None:
        return str(value)
    if isinstance(field, ResidentIDField):
        # Pages show resident IDs masked to everyone, administrators included (talent.models).
        return resident_id.mask(str(value))
    if isinstance(field, models.ForeignKey):
        found = related.get(field.related_model, {}).get(field.related_model._meta.pk.to_python(value))
        return str(found) if found is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "language" and value in dict(settings.LANGUAGES):
        # A language code ("zh-hans") in the language's own name.
        return translation.get_language_info(value)["name_local"]
    if isinstance(field, models.FileField):
        # The file's name, not the folder it is stored in.
        return posixpath.basename(str(value))
    if isinstance(field, models.BooleanField):
        return str(_("Yes") if value in (True, "True") else _("No"))
    if isinstance(field, models.DateTimeField):
        # Stored as naive UTC text.
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)
