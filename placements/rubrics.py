"""The competency rubric of midterm and final evaluations.

Administrators set the competencies (with a weight and a descriptor per level
1–5) in the admin. A mentor rates each competency in use 1–5 with evidence;
the evaluation's score is the weighted mean of the levels scaled to 0–100
(level × 20), so the passing score (PLACEMENT_PASSING_SCORE, 60) is an average
of "3". Rounded half up to one decimal place, as `Evaluation.score` keeps it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from placements.errors import PlacementRefused
from placements.models import Competency, Evaluation, RubricRating

SCALE = Decimal(20)


def rubric_in_use() -> list[Competency]:
    return list(Competency.objects.filter(active=True).order_by("order", "pk"))


def weighted_score(rubric: list[Competency], levels: dict[int, int]) -> Decimal:
    """Σ weight × level / Σ weight × 20, over the competencies of `rubric`."""
    total_weight = sum(c.weight for c in rubric)
    weighted = sum(c.weight * levels[c.pk] for c in rubric)
    return (weighted / total_weight * SCALE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def checked_ratings(rubric: list[Competency], ratings: dict[int, tuple[int, str]]) -> dict[int, int]:
    """Every competency of the rubric rated 1–5 with evidence; returns id → level."""
    levels = {}
    for competency in rubric:
        level, evidence = ratings.get(competency.pk, (None, ""))
        if level is None or not 1 <= int(level) <= 5:
            raise PlacementRefused(
                _("Rate %(competency)s from 1 to 5.") % {"competency": competency.name}, code="rating_missing"
            )
        if not evidence.strip():
            raise PlacementRefused(
                _("Give the evidence for your rating of %(competency)s.") % {"competency": competency.name},
                code="evidence_missing",
            )
        levels[competency.pk] = int(level)
    return levels


def save_ratings(evaluation: Evaluation, rubric: list[Competency], ratings: dict[int, tuple[int, str]]) -> None:
    """Replace the evaluation's ratings (checked by `checked_ratings`) under the placement's lock."""
    evaluation.ratings.all().delete()
    RubricRating.objects.bulk_create(
        RubricRating(
            evaluation=evaluation, competency=c, level=int(ratings[c.pk][0]), evidence=ratings[c.pk][1].strip()
        )
        for c in rubric
    )
