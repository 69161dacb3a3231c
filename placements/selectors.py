"""Reads other pages and apps rely on."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch

from placements.feedback import MIN_RESPONSES
from placements.models import NotAcceptable, PracticeBase, Preference, SiteFeedback
from training.models import Enrollment


@dataclass(frozen=True)
class SiteFeedbackSummary:
    responses: int
    averages: dict[str, Decimal]  # question → mean rating 1–5, two decimals
    comments: list[str]


def site_feedback(practice_base: PracticeBase, year: int) -> SiteFeedbackSummary | None:
    """The trainees' evaluation of `practice_base` for the rounds starting in
    `year`, aggregated; None below `MIN_RESPONSES` answers, so nobody's answer
    can be singled out. Two queries."""
    answers = SiteFeedback.objects.filter(base=practice_base, year=year)
    figures = answers.aggregate(responses=Count("pk"), **{q: Avg(q) for q in SiteFeedback.QUESTIONS})
    if figures["responses"] < MIN_RESPONSES:
        return None
    comments = sorted(c for c in answers.exclude(comment="").values_list("comment", flat=True))
    return SiteFeedbackSummary(
        responses=figures["responses"],
        averages={q: Decimal(str(figures[q])).quantize(Decimal("0.01")) for q in SiteFeedback.QUESTIONS},
        comments=comments,
    )


def applicants(positions) -> list[Preference]:
    """Who ranked `positions`, for the base's coordinators: each preference
    with its trainee (name, level), the statement, the courses the trainee
    completed (`completed_courses`) and the base's mark (`mark`, or None).
    Four queries whatever the number."""
    preferences = list(
        Preference.objects.filter(position__in=positions)
        .select_related("trainee", "position")
        .prefetch_related(
            Prefetch(
                "trainee__enrollments",
                Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).select_related("session__course"),
                to_attr="completed_enrollments",
            )
        )
        .order_by("position__code", "rank", "trainee__name")
    )
    marks = {
        (m.position_id, m.trainee_id): m
        for m in NotAcceptable.objects.filter(position__in=[p.position_id for p in preferences])
    }
    for preference in preferences:
        preference.completed_courses = sorted(
            {e.session.course.title for e in preference.trainee.completed_enrollments}
        )
        preference.mark = marks.get((preference.position_id, preference.trainee_id))
    return preferences


def rank_histogram(positions) -> dict[int, dict[int, int]]:
    """Position id → {rank: how many ranked it there}, ranks 1–5. One query."""
    histogram = {p.pk: dict.fromkeys(range(1, 6), 0) for p in positions}
    for position, rank, n in (
        Preference.objects.filter(position__in=positions)
        .values("position", "rank")
        .annotate(n=Count("pk"))
        .values_list("position", "rank", "n")
    ):
        histogram[position][rank] = n
    return histogram
