"""After the match: proposals are published with an appeal window; each
trainee may appeal once; the organisers (or the position's base coordinators)
resolve every appeal — keep, move or withdraw — before the round is
confirmed (`services.confirm_round` refuses while any is open).

Lock order (see `placements.services`): round → positions → placement → appeal.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from placements import explanations, services
from placements.errors import PlacementRefused
from placements.models import Appeal, Placement, PlacementRound, Position
from talent.models import Practitioner, User


@transaction.atomic
def publish_proposals(*, round: PlacementRound, by: User) -> int:
    """Show every trainee their proposal and open the appeal window; the
    explanations are computed in the background. Those who ranked positions
    and were given none are told too. Returns how many were told of a proposal."""
    round = services._lock_round(round.pk)
    services._check_organises(round, by)
    if round.status != PlacementRound.Status.MATCHING:
        raise PlacementRefused(_("Proposals are published while the round is being matched."), code="status")
    if round.published_at is not None:
        raise PlacementRefused(_("The proposals are already published."), code="published")
    round.published_at = timezone.now()
    round.explained_at = None
    round.save(update_fields=["published_at", "explained_at"])
    trainees = list(
        Practitioner.objects.filter(placements__round=round, placements__status=Placement.Status.PROPOSED).distinct()
    )
    notify(
        kind="placements.published",
        recipients=trainees,
        context={"round": round.name, "appeal_deadline": timezone.localtime(round.appeal_deadline)},
        link=reverse("placements:mine"),
        occasion=f"round-published:{round.pk}",
    )
    proposed = Placement.objects.filter(round=round, status=Placement.Status.PROPOSED).values("trainee")
    notify(
        kind="placements.unplaced",
        recipients=list(
            Practitioner.objects.filter(placement_preferences__round=round).exclude(pk__in=proposed).distinct()
        ),
        context={"round": round.name},
        link=reverse("placements:mine"),
        occasion=f"round-published:{round.pk}",
    )
    round_id = round.pk
    transaction.on_commit(lambda: explanations.explain_round_task.enqueue(round_id))
    return len(trainees)


@transaction.atomic
def appeal(*, placement: Placement, trainee: Practitioner, reason: str) -> Appeal:
    round = services._lock_round(placement.round_id)
    placement = services._lock_placement(placement.pk)
    if placement.trainee_id != trainee.pk:
        raise PlacementRefused(_("You can appeal only your own proposal."), code="not_allowed")
    if placement.status != Placement.Status.PROPOSED or not round.takes_appeals():
        raise PlacementRefused(_("The appeal window of this round is closed."), code="closed")
    if not reason.strip():
        raise PlacementRefused(_("Say why you appeal."), code="reason_required")
    try:
        with transaction.atomic():
            return Appeal.objects.create(placement=placement, round=round, trainee=trainee, reason=reason.strip())
    except IntegrityError:
        raise PlacementRefused(_("You have already appealed in this round."), code="already_appealed") from None


@transaction.atomic
def resolve_appeal(
    *, appeal: Appeal, outcome: str, by: User, answer: str = "", position: Position | None = None
) -> Appeal:
    """`outcome` is Appeal.Status.KEPT, MOVED (to `position`) or WITHDRAWN;
    `by` must manage the placement's position (and `position`, for a move)."""
    placement = appeal.placement
    if outcome == Appeal.Status.MOVED:
        if position is None:
            raise PlacementRefused(_("Choose the position to move to."), code="position_required")
        services.move_placement(placement=placement, position=position, by=by)
    elif outcome == Appeal.Status.WITHDRAWN:
        services.withdraw_placement(placement=placement, by=by)
    elif outcome == Appeal.Status.KEPT:
        services._lock_round(placement.round_id)
        services._check_manages(by, placement.position)
    else:
        raise PlacementRefused(_("Choose how the appeal is resolved."), code="outcome")
    appeal = Appeal.objects.select_for_update().select_related("round", "trainee").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.OPEN:
        raise PlacementRefused(_("This appeal is already resolved."), code="resolved")
    if outcome == Appeal.Status.MOVED and placement.position_id == position.pk:
        outcome = Appeal.Status.KEPT
    appeal.status = outcome
    appeal.resolution = answer.strip()[:300]
    appeal.resolved_by = by
    appeal.resolved_at = timezone.now()
    appeal.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    placement.refresh_from_db(fields=["position"])
    notify(
        kind="placements.appeal_resolved",
        recipients=[appeal.trainee],
        context={
            "round": appeal.round.name,
            "outcome": appeal.status,
            "position": str(placement.position),
            "answer": appeal.resolution,
        },
        link=reverse("placements:mine"),
        occasion=f"appeal:{appeal.pk}",
    )
    return appeal
