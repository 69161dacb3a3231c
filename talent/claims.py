"""Recognised hours (学时认定): how a claim converts to hours, how much of a
category a registration cycle may count, and who reviews a claim.

The bases that review claims live in the apps above talent; each of them adds
its reviewer rule here from its AppConfig.ready(), as with talent.scopes.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from talent import ledger
from talent.models import LearningRecord, Practitioner

UNIT_LABELS = {
    "hour": _("hours"),
    "day": _("days"),
    "project": _("projects"),
    "item": _("items"),
}

_reviewer_rules: list[Callable[..., Q]] = []


def add_reviewer_rule(rule: Callable[..., Q]) -> None:
    """`rule(user)` returns a filter on LearningClaim for the claims the user's bases review."""
    if rule not in _reviewer_rules:
        _reviewer_rules.append(rule)


def reviewer_filter(user) -> Q:
    condition = Q(pk__in=[])
    for rule in _reviewer_rules:
        condition |= rule(user)
    return condition


def rule(category: str) -> dict:
    return settings.CONTINUING_EDUCATION_CATEGORIES[category]


def unit_label(category: str) -> str:
    return str(UNIT_LABELS[rule(category)["unit"]])


def convert(category: str, quantity: Decimal) -> Decimal:
    """Hours for `quantity` units of a category (hours, days, items, projects)."""
    hours = Decimal(quantity) * Decimal(str(rule(category)["hours_per_unit"]))
    return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def cycle_for(practitioner: Practitioner, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The registration cycle containing `day`; for someone not registered
    yet, the cycle that would start on 1 January of that year."""
    start = practitioner.registration_date
    if start is None or start > day:
        start = datetime.date(day.year, 1, 1)
    return ledger.current_cycle(start, day)


def cycle_requirement(practitioner: Practitioner) -> int:
    """The hours a cycle needs, which caps are a share of; the highest
    requirement for people without a qualification level that needs any."""
    required = ledger.required_hours(practitioner.qualification_level)
    return required or max(settings.CONTINUING_EDUCATION_REQUIRED_HOURS.values())


def cap(practitioner: Practitioner, category: str) -> Decimal | None:
    percent = rule(category)["cap_percent"]
    if percent is None:
        return None
    return (Decimal(cycle_requirement(practitioner)) * Decimal(percent) / 100).quantize(Decimal("0.1"))


def credited_in_cycle(practitioner: Practitioner, category: str, day: datetime.date) -> Decimal:
    start, end = cycle_for(practitioner, day)
    total = LearningRecord.objects.filter(
        practitioner=practitioner, category=category, date__gte=start, date__lt=end
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def creditable(practitioner: Practitioner, category: str, day: datetime.date, hours: Decimal) -> Decimal:
    """What of `hours` the ledger may still take in the category's cycle cap."""
    limit = cap(practitioner, category)
    if limit is None:
        return hours
    room = max(limit - credited_in_cycle(practitioner, category, day), Decimal(0))
    return min(hours, room)


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    label: str
    hours: Decimal
    cap: Decimal | None

    @property
    def percent_of_cap(self) -> int | None:
        if not self.cap:
            return None
        return min(100, int(self.hours * 100 / self.cap))


def category_totals(practitioner: Practitioner, today: datetime.date | None = None) -> list[CategoryTotal]:
    """Hours credited in the current cycle by category, against each cap (one query)."""
    today = today or datetime.date.today()
    start, end = cycle_for(practitioner, today)
    sums = dict(
        LearningRecord.objects.filter(practitioner=practitioner, date__gte=start, date__lt=end)
        .values_list("category")
        .annotate(total=Sum("hours"))
        .values_list("category", "total")
    )
    return [
        CategoryTotal(value, str(label), sums.get(value) or Decimal(0), cap(practitioner, value))
        for value, label in LearningRecord.Category.choices
    ]
