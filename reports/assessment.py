"""The annual base assessment (年度考核评价): one base's figures for a year,
with the year before beside them, each table counted in one query."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement, Position, PracticeBase
from reports.figures import RESULT_STATUSES, percent
from training.models import CourseSession, Enrollment, TrainingBase

TRAINING = "training"
PRACTICE = "practice"
KINDS = {TRAINING: _("Training base"), PRACTICE: _("Practice base")}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: int | Decimal | None
    previous: int | Decimal | None
    unit: str = ""

    @property
    def change(self) -> int | Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Assessment:
    kind: str
    base: TrainingBase | PracticeBase
    year: int
    metrics: list[Metric]

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def value(self, key: str):
        return next(m.value for m in self.metrics if m.key == key)

    def previous(self, key: str):
        return next(m.previous for m in self.metrics if m.key == key)


def _by_year(year: int, lookup: str, **aggregates) -> dict:
    """Each aggregate twice, for `year` (key_now) and the year before (key_before)."""
    expressions = {}
    for key, (function, field, condition) in aggregates.items():
        for suffix, which in (("now", year), ("before", year - 1)):
            expressions[f"{key}_{suffix}"] = function(field, filter=condition & Q(**{f"{lookup}__year": which}))
    return expressions


def _metric(key, label, counts, unit="", empty=None):
    return Metric(key, str(label), counts.get(f"{key}_now", empty), counts.get(f"{key}_before", empty), unit)


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def training_assessment(base: TrainingBase, year: int) -> Assessment:
    """Sessions run, trainees with a result, completion rate, class hours and
    course certificates of a training base (three queries)."""
    two_years = Q(start_date__year__gte=year - 1, start_date__year__lte=year)
    sessions = CourseSession.objects.filter(two_years, course__base=base, status=CourseSession.Status.FINISHED)
    session_counts = sessions.aggregate(
        **_by_year(
            year,
            "start_date",
            sessions=(Count, "pk", Q()),
            hours=(Sum, "course__hours", Q()),
        )
    )
    result_counts = Enrollment.objects.filter(session__in=sessions, status__in=RESULT_STATUSES).aggregate(
        **_by_year(
            year,
            "session__start_date",
            trainees=(Count, "pk", Q()),
            completed=(Count, "pk", Q(status=Enrollment.Status.COMPLETED)),
        )
    )
    certificate_counts = Certificate.objects.filter(
        enrollment__session__course__base=base, issued_at__year__gte=year - 1, issued_at__year__lte=year
    ).aggregate(**_by_year(year, "issued_at", certificates=(Count, "pk", Q())))
    rates = {
        f"completion_rate_{s}": percent(result_counts[f"completed_{s}"], result_counts[f"trainees_{s}"])
        for s in ("now", "before")
    }
    hours = {f"hours_{s}": session_counts[f"hours_{s}"] or Decimal(0) for s in ("now", "before")}
    metrics = [
        _metric("sessions", _("Sessions run"), session_counts),
        _metric("trainees", _("Trainees trained (enrolments with a result)"), result_counts),
        _metric("completion_rate", _("Completion rate"), rates, unit="%"),
        _metric("hours", _("Class hours delivered"), hours),
        _metric("certificates", _("Certificates issued"), certificate_counts),
    ]
    return Assessment(TRAINING, base, year, metrics)


def practice_assessment(base: PracticeBase, year: int) -> Assessment:
    """Positions offered and filled, approved hours, average mentor evaluation
    and internship certificates of a practice base (five queries)."""
    two_years = Q(round__internship_start__year__gte=year - 1, round__internship_start__year__lte=year)
    positions = Position.objects.filter(two_years, base=base)
    offered = positions.aggregate(**_by_year(year, "round__internship_start", offered=(Sum, "capacity", Q())))
    placements = Placement.objects.filter(two_years, position__base=base)
    filled = placements.aggregate(
        **_by_year(year, "round__internship_start", filled=(Count, "pk", Q(status__in=Placement.LIVE_STATUSES)))
    )
    hours = HourLog.objects.filter(placement__in=placements, status=HourLog.Status.APPROVED).aggregate(
        **_by_year(year, "placement__round__internship_start", approved_hours=(Sum, "hours", Q()))
    )
    evaluations = Evaluation.objects.filter(placement__in=placements).aggregate(
        **_by_year(year, "placement__round__internship_start", evaluation=(Avg, "score", Q()))
    )
    certificate_counts = Certificate.objects.filter(
        placement__position__base=base, issued_at__year__gte=year - 1, issued_at__year__lte=year
    ).aggregate(**_by_year(year, "issued_at", certificates=(Count, "pk", Q())))
    for counts in (offered, hours):
        for key, value in counts.items():
            counts[key] = value or 0
    for key, value in evaluations.items():
        evaluations[key] = _rounded(value)
    metrics = [
        _metric("offered", _("Internship positions offered"), offered),
        _metric("filled", _("Internship positions filled"), filled),
        _metric("approved_hours", _("Approved internship hours"), hours),
        _metric("evaluation", _("Average mentor evaluation"), evaluations),
        _metric("certificates", _("Certificates issued"), certificate_counts),
    ]
    return Assessment(PRACTICE, base, year, metrics)


def assessment(kind: str, base, year: int) -> Assessment:
    return training_assessment(base, year) if kind == TRAINING else practice_assessment(base, year)
