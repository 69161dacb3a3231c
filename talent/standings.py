"""Continuing-education standings: talent.ledger's verdict for every
qualified, registered practitioner, kept in CycleStanding.

A person's standing is recomputed when their learning records or their
registration change (signals connected in TalentConfig.ready, in the same
transaction, so a report never shows the old figure after a save), and
everyone's by `refresh()` once a day (`manage.py refresh_standings`, run by
the reminders timer), since being behind pace depends on the date and bulk
imports send no signal. The report reads rows: at 1.5 million people it pages
through the standing_report_idx index instead of summing hours per request.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from talent import ledger
from talent.models import CycleStanding, LearningRecord, Practitioner

CHUNK = 5_000


def refresh(practitioner_ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """Recompute the standings of these people (everyone by default), CHUNK at
    a time; returns how many people were looked at."""
    today = today or timezone.localdate()
    if practitioner_ids is not None:
        ids = sorted(set(practitioner_ids))
        for start in range(0, len(ids), CHUNK):
            _refresh_chunk(ids[start : start + CHUNK], today)
        return len(ids)
    seen, after = 0, 0
    while True:
        ids = list(Practitioner.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return seen
        _refresh_chunk(ids, today)
        seen += len(ids)
        after = ids[-1]


@transaction.atomic
def _refresh_chunk(ids: list[int], today: datetime.date) -> None:
    statuses = ledger.report(Practitioner.objects.filter(pk__in=ids), today=today)
    standings = [
        CycleStanding(
            practitioner_id=s.practitioner.pk,
            state=s.state,
            cycle_start=s.cycle_start,
            reregistration_date=s.reregistration_date,
            required=s.required,
            earned=s.earned,
            expected_by_now=s.expected_by_now,
            computed_on=today,
        )
        for s in statuses
        if s.state != ledger.NOT_APPLICABLE
    ]
    kept = {s.practitioner_id for s in standings}
    CycleStanding.objects.filter(practitioner_id__in=ids).exclude(practitioner_id__in=kept).delete()
    CycleStanding.objects.bulk_create(
        standings,
        update_conflicts=True,
        unique_fields=["practitioner"],
        update_fields=[
            "state",
            "cycle_start",
            "reregistration_date",
            "required",
            "earned",
            "expected_by_now",
            "computed_on",
        ],
    )


def practitioner_changed(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        refresh([instance.pk])


def learning_record_changed(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        refresh([instance.practitioner_id])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(practitioner_changed, sender=Practitioner, dispatch_uid="standing-practitioner")
    post_save.connect(learning_record_changed, sender=LearningRecord, dispatch_uid="standing-record-save")
    post_delete.connect(learning_record_changed, sender=LearningRecord, dispatch_uid="standing-record-delete")
