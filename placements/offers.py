"""After confirmation: each trainee accepts or declines their placement by
`respond_by`. A declined or expired seat is offered to the unplaced trainees
who ranked its position, one at a time, in the order the solver would choose
(`matching.assign` on those trainees for that one seat: the better their rank
for it, the sooner). An offer is answered by its own deadline; a declined or
expired offer moves on to the next trainee.

`expire_overdue()` (manage.py expire_placement_answers, or the task) settles
the deadlines that passed. Lock order (see `placements.services`): round →
position → placement → offer.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from notifications.services import notify
from placements import matching, services
from placements.errors import PlacementRefused
from placements.models import NotAcceptable, Placement, PlacementRound, Position, Preference, SeatOffer
from talent.models import Practitioner


def _respond_by(round: PlacementRound) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=round.response_days)


@transaction.atomic
def answer_placement(*, placement: Placement, trainee: Practitioner, accept: bool) -> Placement:
    round = services._lock_round(placement.round_id)
    services._lock_positions(placement.position_id)
    placement = services._lock_placement(placement.pk)
    if placement.trainee_id != trainee.pk:
        raise PlacementRefused(_("This is not your placement."), code="not_allowed")
    if placement.status != Placement.Status.CONFIRMED or placement.accepted_at is not None:
        raise PlacementRefused(_("This placement is not waiting for your answer."), code="status")
    if placement.respond_by and timezone.now() > placement.respond_by:
        raise PlacementRefused(_("The time to answer has passed."), code="expired")
    if accept:
        placement.accepted_at = timezone.now()
        placement.save(update_fields=["accepted_at", "updated_at"])
        return placement
    _free(placement, Placement.EndReason.DECLINED)
    _offer_seat(round, placement.position)
    return placement


def _free(placement: Placement, reason: str) -> None:
    placement.status = Placement.Status.WITHDRAWN
    placement.end_reason = reason
    placement.save(update_fields=["status", "end_reason", "updated_at"])


def _offer_seat(round: PlacementRound, position: Position) -> SeatOffer | None:
    """Offer a free seat of `position` (locked with its round by the caller) to
    the next unplaced trainee who ranked it; None when nobody is left."""
    live = position.placements.filter(status__in=Placement.LIVE_STATUSES).count()
    pending = position.offers.filter(status=SeatOffer.Status.OPEN).count()
    if live + pending >= position.capacity:
        return None
    # Not those placed, nor those who had this seat or let a placement of the round go.
    placed = round.placements.filter(
        Q(status__in=Placement.LIVE_STATUSES)
        | Q(position=position)
        | Q(end_reason__in=[Placement.EndReason.DECLINED, Placement.EndReason.EXPIRED])
    ).values("trainee")
    waiting_offer = round.offers.filter(status=SeatOffer.Status.OPEN).values("trainee")
    already_offered = position.offers.values("trainee")
    refused = NotAcceptable.objects.filter(position=position).values("trainee")
    candidates = (
        Preference.objects.filter(position=position)
        .exclude(trainee__in=placed)
        .exclude(trainee__in=waiting_offer)
        .exclude(trainee__in=already_offered)
        .exclude(trainee__in=refused)
        .select_related("trainee")
    )
    eligible = {p.trainee_id: p for p in candidates if services.ineligibility(p.trainee, position) is None}
    if not eligible:
        return None
    chosen = matching.assign(
        [matching.Choice(t, position.pk, p.rank) for t, p in eligible.items()], {position.pk: 1}
    ).placed
    (trainee_id,) = chosen
    offer = SeatOffer.objects.create(
        round=round, position=position, trainee=eligible[trainee_id].trainee, respond_by=_respond_by(round)
    )
    notify(
        kind="placements.seat_offered",
        recipients=[offer.trainee],
        context={
            "round": round.name,
            "position": str(position),
            "respond_by": timezone.localtime(offer.respond_by),
        },
        link=reverse("placements:mine"),
        occasion=f"offer:{offer.pk}",
    )
    return offer


@transaction.atomic
def answer_offer(*, offer: SeatOffer, trainee: Practitioner, accept: bool) -> Placement | None:
    round = services._lock_round(offer.round_id)
    position = services._lock_positions(offer.position_id)[offer.position_id]
    offer = SeatOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.trainee_id != trainee.pk:
        raise PlacementRefused(_("This offer is not yours."), code="not_allowed")
    if offer.status != SeatOffer.Status.OPEN or timezone.now() > offer.respond_by:
        raise PlacementRefused(_("This offer is no longer open."), code="status")
    offer.responded_at = timezone.now()
    if not accept:
        offer.status = SeatOffer.Status.DECLINED
        offer.save(update_fields=["status", "responded_at"])
        _offer_seat(round, position)
        return None
    if round.placements.filter(trainee=trainee, status__in=Placement.LIVE_STATUSES).exists():
        raise PlacementRefused(_("You already have a placement in this round."), code="already_placed")
    # Capacity is a hard limit: a seat given by hand meanwhile is not given twice.
    if position.placements.filter(status__in=Placement.LIVE_STATUSES).count() >= position.capacity:
        raise PlacementRefused(_("%(position)s is full.") % {"position": position}, code="full")
    offer.status = SeatOffer.Status.ACCEPTED
    offer.save(update_fields=["status", "responded_at"])
    now = timezone.now()
    return Placement.objects.create(
        trainee=trainee,
        round=round,
        position=position,
        preference_rank=services._preference_rank(trainee, position),
        status=Placement.Status.CONFIRMED,
        confirmed_at=now,
        accepted_at=now,
    )


def expire_overdue(now: datetime.datetime | None = None) -> int:
    """Free the confirmed placements and close the offers whose answer is
    overdue, offering each seat on. One transaction per seat. Returns how many
    expired."""
    now = now or timezone.now()
    expired = 0
    overdue = Placement.objects.filter(
        status=Placement.Status.CONFIRMED, accepted_at__isnull=True, respond_by__lt=now
    ).values_list("pk", "round", "position")
    for pk, round_id, position_id in overdue:
        with transaction.atomic():
            round = services._lock_round(round_id)
            position = services._lock_positions(position_id)[position_id]
            placement = services._lock_placement(pk)
            if placement.status == Placement.Status.CONFIRMED and placement.accepted_at is None:
                _free(placement, Placement.EndReason.EXPIRED)
                _offer_seat(round, position)
                expired += 1
    for pk, round_id, position_id in SeatOffer.objects.filter(
        status=SeatOffer.Status.OPEN, respond_by__lt=now
    ).values_list("pk", "round", "position"):
        with transaction.atomic():
            round = services._lock_round(round_id)
            position = services._lock_positions(position_id)[position_id]
            offer = SeatOffer.objects.select_for_update().get(pk=pk)
            if offer.status == SeatOffer.Status.OPEN:
                offer.status = SeatOffer.Status.EXPIRED
                offer.save(update_fields=["status"])
                _offer_seat(round, position)
                expired += 1
    return expired


@task()
def expire_overdue_task() -> int:
    return expire_overdue()


def answers_due(today: datetime.date):
    """Reminder: placements and offers awaiting an answer whose deadline is within two days."""
    soon = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time.max))
    link = reverse("placements:mine")
    waiting = Placement.objects.filter(status=Placement.Status.CONFIRMED, accepted_at__isnull=True)
    waiting = waiting.filter(respond_by__gte=timezone.now(), respond_by__lte=soon)
    for placement in waiting.select_related("trainee", "position__base__sub_district"):
        yield (
            placement.trainee,
            {"position": str(placement.position), "respond_by": timezone.localtime(placement.respond_by)},
            link,
            f"answer-due:placement:{placement.pk}",
        )
    for offer in SeatOffer.objects.filter(
        status=SeatOffer.Status.OPEN, respond_by__gte=timezone.now(), respond_by__lte=soon
    ).select_related("trainee", "position__base__sub_district"):
        yield (
            offer.trainee,
            {"position": str(offer.position), "respond_by": timezone.localtime(offer.respond_by)},
            link,
            f"answer-due:offer:{offer.pk}",
        )
