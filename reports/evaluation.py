"""The annual evaluation of a base: each indicator's value for the year and
the year before, its score against the target, the total and the grade.

A signed report is read from its snapshot; a draft is computed from the data
in a fixed number of queries (the figures of reports.assessment, the
research figures, the trainees' site feedback, and the report's own rows).
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from placements.selectors import site_feedback
from reports import assessment
from reports.figures import percent
from reports.models import AssessmentReport, Indicator, IndicatorEntry, RequiredFix
from research import selectors as research

Source = Indicator.Source
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


class Grade(TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


def grade_for(total: Decimal | None) -> str:
    if total is None:
        return ""
    thresholds = settings.ASSESSMENT_GRADE_THRESHOLDS
    for grade in (Grade.EXCELLENT, Grade.GOOD, Grade.PASS):
        if total >= thresholds[grade.value]:
            return grade.value
    return Grade.FAIL.value


def grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade else ""


@dataclass
class Row:
    indicator_id: int
    name: str
    source: str
    weight: str
    target: str
    value: str | None
    previous: str | None
    score: str
    previous_score: str
    entered: bool = False
    note: str = ""
    evidence_entry_id: int | None = None


@dataclass
class Evaluation:
    kind: str
    year: int
    rows: list[Row]
    total: str | None
    grade: str
    previous_total: str | None
    previous_grade: str
    metrics: list[dict]
    comments: str = ""
    fixes: list[dict] = field(default_factory=list)

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def previous_grade_label(self) -> str:
        return grade_label(self.previous_grade)

    def as_snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> "Evaluation":
        return cls(**{**data, "rows": [Row(**row) for row in data["rows"]]})


def _decimal(value) -> Decimal | None:
    """Counts stay whole (2, not 2.0); other figures to one decimal."""
    if value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(value).quantize(Decimal("0.1"))


def computed_values(kind: str, base, year: int, figures: assessment.Assessment) -> dict[str, tuple]:
    """(this year, the year before) of every computed source for the base."""
    values = {}
    if kind == assessment.PRACTICE:
        values[Source.POSITIONS_OFFERED] = (figures.value("offered"), figures.previous("offered"))
        values[Source.PLACEMENT_FILL] = (
            percent(figures.value("filled"), figures.value("offered")),
            percent(figures.previous("filled"), figures.previous("offered")),
        )
        values[Source.HOURS_SUPERVISED] = (figures.value("approved_hours"), figures.previous("approved_hours"))
        values[Source.MENTOR_SCORE] = (figures.value("evaluation"), figures.previous("evaluation"))
        feedback = [site_feedback(base, y) for y in (year, year - 1)]
        values[Source.TRAINEE_FEEDBACK] = tuple(
            None if summary is None else summary.averages["overall"] for summary in feedback
        )
        found = research.practice_base_research([base.pk], [year, year - 1])
        now, before = found[base.pk, year], found[base.pk, year - 1]
        values[Source.PROJECTS_HOSTED] = (now["projects_hosted"], before["projects_hosted"])
    else:
        values[Source.SESSIONS] = (figures.value("sessions"), figures.previous("sessions"))
        values[Source.COMPLETION_RATE] = (figures.value("completion_rate"), figures.previous("completion_rate"))
        found = research.training_base_research([base.pk], [year, year - 1])
        now, before = found[base.pk, year], found[base.pk, year - 1]
        values[Source.RESEARCH_OUTPUTS] = (now["research_outputs"], before["research_outputs"])
    values[Source.EXCHANGE_ACTIVITIES] = (now["exchange_activities"], before["exchange_activities"])
    return values


def _score(value: Decimal | None, indicator: Indicator) -> Decimal:
    if value is None:
        return Decimal(0)
    return (indicator.weight * min(value / indicator.target, Decimal(1))).quantize(TENTH, rounding=ROUND_HALF_UP)


def _total(scores: list[Decimal], weights: list[Decimal]) -> Decimal | None:
    if not weights:
        return None
    return (sum(scores) * HUNDRED / sum(weights)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _text(value) -> str | None:
    return None if value is None else str(value)


def evaluate(
    kind: str, base, year: int, report: AssessmentReport | None, previous_report: AssessmentReport | None
) -> Evaluation:
    """The evaluation computed from the data now (a draft's view)."""
    figures = assessment.assessment(kind, base, year)
    values = computed_values(kind, base, year, figures)
    indicators = list(Indicator.objects.filter(base_kind=kind, active=True))
    entries = {}
    reports = {r.pk: r for r in (report, previous_report) if r is not None}
    for entry in IndicatorEntry.objects.filter(report__in=list(reports)) if reports else []:
        entries[reports[entry.report_id].year, entry.indicator_id] = entry
    rows, scores, previous_scores, weights = [], [], [], []
    for indicator in indicators:
        value, previous = values.get(indicator.source, (None, None))
        entry = entries.get((year, indicator.pk))
        previous_entry = entries.get((year - 1, indicator.pk))
        # A value entered with evidence stands where the data cannot give one.
        entered = value is None and entry is not None
        if entered:
            value = entry.value
        if previous is None and previous_entry is not None:
            previous = previous_entry.value
        value, previous = _decimal(value), _decimal(previous)
        score, previous_score = _score(value, indicator), _score(previous, indicator)
        scores.append(score)
        previous_scores.append(previous_score)
        weights.append(indicator.weight)
        rows.append(
            Row(
                indicator_id=indicator.pk,
                name=indicator.name,
                source=indicator.source,
                weight=str(indicator.weight),
                target=str(indicator.target),
                value=_text(value),
                previous=_text(previous),
                score=str(score),
                previous_score=str(previous_score),
                entered=entered,
                note=entry.note if entry else "",
                evidence_entry_id=entry.pk if entry and entry.evidence else None,
            )
        )
    total, previous_total = _total(scores, weights), _total(previous_scores, weights)
    if previous_report is not None and previous_report.is_signed:
        previous_total = previous_report.snapshot["total"]
    metrics = [
        {"key": m.key, "label": m.label, "value": _text(m.value), "previous": _text(m.previous), "unit": m.unit}
        for m in figures.metrics
    ]
    fixes = (
        [
            {"description": f.description, "due_date": f.due_date.isoformat(), "status": f.status}
            for f in report.fixes.all()
        ]
        if report is not None
        else []
    )
    return Evaluation(
        kind=kind,
        year=year,
        rows=rows,
        total=_text(total),
        grade=grade_for(total),
        previous_total=_text(previous_total),
        previous_grade=grade_for(None if previous_total is None else Decimal(previous_total)),
        metrics=metrics,
        comments=report.comments if report else "",
        fixes=fixes,
    )


def reports_of(kind: str, base_id: int, year: int) -> tuple[AssessmentReport | None, AssessmentReport | None]:
    """This year's and last year's report rows, if any (one query)."""
    found = {
        r.year: r for r in AssessmentReport.objects.filter(base_kind=kind, base_id=base_id, year__in=[year, year - 1])
    }
    return found.get(year), found.get(year - 1)


def evaluation(kind: str, base, year: int) -> tuple[Evaluation, AssessmentReport | None, AssessmentReport | None]:
    """The evaluation to show: the signed snapshot, or computed now."""
    report, previous_report = reports_of(kind, base.pk, year)
    if report is not None and report.is_signed:
        return Evaluation.from_snapshot(report.snapshot), report, previous_report
    return evaluate(kind, base, year, report, previous_report), report, previous_report


def fixes_to_follow(previous_report: AssessmentReport | None) -> list[RequiredFix]:
    return list(previous_report.fixes.all()) if previous_report is not None else []
