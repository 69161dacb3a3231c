"""The trainee's evaluation of the practice site at the end of the internship.

Anonymous to the site: what was said (`SiteFeedback`) is stored apart from who
said it (`SiteFeedbackReceipt`, so each placement gives it once), with no
time finer than the year (of the internship's start, as the annual
assessment counts rounds), and shown only aggregated per base and year once
`MIN_RESPONSES` trainees have answered (`placements.selectors.site_feedback`).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from placements import completion
from placements.errors import PlacementRefused
from placements.models import Placement, SiteFeedback, SiteFeedbackReceipt
from talent.models import Practitioner

MIN_RESPONSES = 5


def may_give_feedback(placement: Placement, today=None) -> bool:
    today = today or timezone.localdate()
    ended = placement.status in (Placement.Status.COMPLETED, Placement.Status.FAILED) or (
        placement.status == Placement.Status.CONFIRMED and placement.round.internship_end <= today
    )
    return ended and not SiteFeedbackReceipt.objects.filter(placement=placement).exists()


@transaction.atomic
def give_feedback(*, placement: Placement, trainee: Practitioner, ratings: dict[str, int], comment: str = "") -> None:
    placement = completion.lock_placement(placement.pk)
    if placement.trainee_id != trainee.pk:
        raise PlacementRefused(_("Only the trainee evaluates their site."), code="not_allowed")
    if not may_give_feedback(placement):
        raise PlacementRefused(_("The site is evaluated once, at the end of the internship."), code="status")
    if any(not 1 <= int(ratings.get(q, 0)) <= 5 for q in SiteFeedback.QUESTIONS):
        raise PlacementRefused(_("Rate every question from 1 to 5."), code="rating_missing")
    try:
        with transaction.atomic():
            SiteFeedbackReceipt.objects.create(placement=placement)
    except IntegrityError:
        raise PlacementRefused(_("You have already evaluated this site."), code="already_given") from None
    SiteFeedback.objects.create(
        base=placement.position.base,
        year=placement.round.internship_start.year,  # the year the assessment counts the round in
        comment=comment.strip(),
        **{q: int(ratings[q]) for q in SiteFeedback.QUESTIONS},
    )
