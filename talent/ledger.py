"""Continuing education against the three-year registration cycle.

A qualified social worker re-registers every three years from their
registration date and needs, within each cycle, the hours the settings give for
their qualification level (72 for an assistant social worker, 90 above).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from talent.models import LearningRecord, Practitioner

ON_PACE = "on_pace"
AT_RISK = "at_risk"
SHORT = "short"
NOT_APPLICABLE = "not_applicable"
STATE_LABELS = {
    ON_PACE: _("On pace"),
    AT_RISK: _("Behind pace"),
    SHORT: _("Short near re-registration"),
    NOT_APPLICABLE: _("Not applicable"),
}


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def current_cycle(registration_date: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The cycle containing `today`: [start, re-registration date)."""
    years = settings.CONTINUING_EDUCATION_CYCLE_YEARS
    # Count whole cycles from the registration date itself, so that a
    # 29 February registration comes back on 29 February in leap years.
    cycles = 0
    while _add_years(registration_date, (cycles + 1) * years) <= today:
        cycles += 1
    return _add_years(registration_date, cycles * years), _add_years(registration_date, (cycles + 1) * years)


def required_hours(level: str) -> int | None:
    return settings.CONTINUING_EDUCATION_REQUIRED_HOURS.get(level)


@dataclass(frozen=True)
class CycleStatus:
    practitioner: Practitioner
    cycle_start: datetime.date | None
    reregistration_date: datetime.date | None
    required: int | None
    earned: Decimal
    expected_by_now: Decimal
    state: str

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.required or 0) - self.earned, Decimal(0))

    @property
    def percent(self) -> int:
        if not self.required:
            return 0
        return min(100, int(self.earned * 100 / self.required))


def cycle_status(practitioner: Practitioner, earned: Decimal | None = None, today=None) -> CycleStatus:
    """Where `practitioner` stands in the current cycle. `earned` may be passed
    in by a report that summed the hours for many people at once."""
    today = today or datetime.date.today()
    required = required_hours(practitioner.qualification_level)
    if required is None or practitioner.registration_date is None or practitioner.registration_date > today:
        return CycleStatus(practitioner, None, None, required, earned or Decimal(0), Decimal(0), NOT_APPLICABLE)
    start, end = current_cycle(practitioner.registration_date, today)
    if earned is None:
        earned = practitioner.learning_records.filter(date__gte=start, date__lt=end).aggregate(total=Sum("hours"))[
            "total"
        ] or Decimal(0)
    elapsed = Decimal((today - start).days) / Decimal((end - start).days)
    expected = (Decimal(required) * elapsed).quantize(Decimal("0.1"))
    if earned >= required:
        state = ON_PACE
    elif (end - today).days <= 183:
        state = SHORT
    elif earned < expected:
        state = AT_RISK
    else:
        state = ON_PACE
    return CycleStatus(practitioner, start, end, required, earned, expected, state)


def report(practitioners, today=None) -> list[CycleStatus]:
    """Cycle status of every qualified, registered practitioner in the queryset,
    in a fixed number of queries."""
    today = today or datetime.date.today()
    people = list(
        practitioners.exclude(qualification_level=Practitioner.QualificationLevel.NONE)
        .filter(registration_date__isnull=False, registration_date__lte=today)
        .select_related("organization")
    )
    cycles = {p.pk: current_cycle(p.registration_date, today) for p in people}
    earliest = min((start for start, _end in cycles.values()), default=today)
    earned: dict[int, Decimal] = {}
    records = LearningRecord.objects.filter(practitioner__in=[p.pk for p in people], date__gte=earliest).values_list(
        "practitioner_id", "date", "hours"
    )
    for practitioner_id, day, hours in records.iterator():
        start, end = cycles[practitioner_id]
        if start <= day < end:
            earned[practitioner_id] = earned.get(practitioner_id, Decimal(0)) + hours
    return [cycle_status(p, earned.get(p.pk, Decimal(0)), today) for p in people]
