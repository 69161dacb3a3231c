"""The completion rule, in one place, for every path that can settle a placement.

A confirmed placement completes when all of these hold, and fails when they
hold but a final evaluation is below the passing score:

- the learning agreement is confirmed by the trainee, the supervisor and the tutor;
- the approved hours reach the round's requirement;
- journal entries cover at least `JOURNAL_SHARE` of the internship's weeks;
- both mentors (on-site supervisor and tutor) have given their final evaluation.

Callers lock the placement first (`lock_placement`, the lock order at the top
of `placements.services`) and decide under that lock.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from placements import signals
from placements.models import Evaluation, HourLog, JournalEntry, LearningAgreement, Placement, PlacementRound

JOURNAL_SHARE = Decimal("0.8")
SETTLED_OR_RUNNING = (Placement.Status.CONFIRMED, Placement.Status.COMPLETED, Placement.Status.FAILED)


def lock_placement(pk: int) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("trainee", "position__supervisor", "round")
        .get(pk=pk)
    )


def approved_hours(placement: Placement) -> Decimal:
    total = placement.hour_logs.filter(status=HourLog.Status.APPROVED).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def journal_weeks_required(round: PlacementRound) -> int:
    return math.ceil(len(round.internship_weeks()) * JOURNAL_SHARE)


def journal_weeks_written(placement: Placement) -> int:
    return JournalEntry.objects.filter(placement=placement, week_start__in=placement.round.internship_weeks()).count()


def update_completion(placement: Placement) -> bool:
    """Apply the rule to a placement the caller has locked (and loaded under
    that lock). Returns whether the status changed."""
    if placement.status not in SETTLED_OR_RUNNING:
        return False
    finals = list(placement.evaluations.filter(stage=Evaluation.Stage.FINAL))
    hours = approved_hours(placement)
    agreed = LearningAgreement.objects.filter(placement=placement).first()
    met = (
        len(finals) == 2
        and hours >= placement.round.required_hours
        and agreed is not None
        and agreed.is_confirmed
        and journal_weeks_written(placement) >= journal_weeks_required(placement.round)
    )
    if not met:
        status = Placement.Status.CONFIRMED
    elif all(e.score >= settings.PLACEMENT_PASSING_SCORE for e in finals):
        status = Placement.Status.COMPLETED
    else:
        status = Placement.Status.FAILED
    if status == placement.status:
        return False
    placement.status = status
    placement.completed_at = timezone.now() if status == Placement.Status.COMPLETED else None
    placement.save(update_fields=["status", "completed_at", "updated_at"])
    if status == Placement.Status.COMPLETED:
        signals.announce_completion(placement, hours)
    return True
