"""Preferences, matching, assignment, hours and completion of internships.

Changes that take a seat lock the position rows first (in id order when there
are two) and count the seats under the lock, so capacity holds whatever
coordinators do at the same time.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import services as certificate_services
from placements import matching
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position, Preference
from talent import audit
from talent.models import Practitioner, User
from training.models import Enrollment

MAX_PREFERENCES = 5


class PlacementRefused(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def completed_course_ids(trainee: Practitioner) -> set[int]:
    return set(
        Enrollment.objects.filter(trainee=trainee, status=Enrollment.Status.COMPLETED).values_list(
            "session__course_id", flat=True
        )
    )


def overlapping_placement(trainee: Practitioner, round: PlacementRound) -> Placement | None:
    """A live placement of `trainee` in another round whose internship overlaps this one."""
    return (
        Placement.objects.filter(trainee=trainee, status__in=Placement.LIVE_STATUSES)
        .exclude(round=round)
        .filter(round__internship_start__lte=round.internship_end, round__internship_end__gte=round.internship_start)
        .select_related("round")
        .first()
    )


def ineligibility(trainee: Practitioner, position: Position, *, completed: set[int] | None = None) -> str | None:
    """Why `trainee` cannot take `position`, or None when they can."""
    if completed is None:
        completed = completed_course_ids(trainee)
    missing = [course for course in position.required_courses.all() if course.pk not in completed]
    if missing:
        return _("%(position)s needs these courses completed first: %(courses)s.") % {
            "position": position.title,
            "courses": "、".join(course.title for course in missing),
        }
    clash = overlapping_placement(trainee, position.round)
    if clash:
        return _("You are already placed in %(round)s, whose dates overlap this round.") % {"round": clash.round}
    return None


@transaction.atomic
def submit_preferences(*, trainee: Practitioner, round: PlacementRound, positions: list[Position]) -> list[Preference]:
    """Replace the trainee's ranked choices (first = rank 1) for the round."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    if not round.accepts_preferences():
        raise PlacementRefused(_("This round is not taking preferences now."), code="not_collecting")
    if len(positions) > MAX_PREFERENCES:
        raise PlacementRefused(_("Choose at most %(count)d positions.") % {"count": MAX_PREFERENCES}, code="too_many")
    if len({p.pk for p in positions}) != len(positions):
        raise PlacementRefused(_("Each position can be chosen once."), code="duplicate")
    completed = completed_course_ids(trainee)
    for position in positions:
        if position.round_id != round.pk:
            raise PlacementRefused(_("%(position)s is not in this round.") % {"position": position}, code="wrong_round")
        reason = ineligibility(trainee, position, completed=completed)
        if reason:
            raise PlacementRefused(reason, code="not_eligible")
    Preference.objects.filter(trainee=trainee, round=round).delete()
    return Preference.objects.bulk_create(
        Preference(trainee=trainee, round=round, position=position, rank=rank)
        for rank, position in enumerate(positions, start=1)
    )


def _waiting_trainees_and_eligible_choices(
    round: PlacementRound, positions: list[Position]
) -> tuple[dict[int, Practitioner], list[matching.Choice]]:
    """Everyone with preferences and no placement in the round, and their
    eligible choices, in a fixed number of queries."""
    already_placed = round.placements.filter(status__in=Placement.LIVE_STATUSES).values("trainee")
    preferences = list(
        round.preferences.exclude(trainee__in=already_placed).select_related("trainee").order_by("trainee", "rank")
    )
    trainees = {p.trainee_id: p.trainee for p in preferences}
    completed: dict[int, set[int]] = {}
    for trainee_id, course_id in Enrollment.objects.filter(
        trainee__in=trainees, status=Enrollment.Status.COMPLETED
    ).values_list("trainee", "session__course"):
        completed.setdefault(trainee_id, set()).add(course_id)
    clashing = set(
        Placement.objects.filter(trainee__in=trainees, status__in=Placement.LIVE_STATUSES)
        .exclude(round=round)
        .filter(round__internship_start__lte=round.internship_end, round__internship_end__gte=round.internship_start)
        .values_list("trainee", flat=True)
    )
    required = {p.pk: {c.pk for c in p.required_courses.all()} for p in positions}
    choices = [
        matching.Choice(p.trainee_id, p.position_id, p.rank)
        for p in preferences
        if p.trainee_id not in clashing and required[p.position_id] <= completed.get(p.trainee_id, set())
    ]
    return trainees, choices


@dataclass
class MatchReport:
    rank_counts: dict[int, int]
    placed: int
    unplaced: list[tuple[Practitioner, str]] = field(default_factory=list)


NO_ELIGIBLE_POSITION = "no_eligible_position"
ALL_FULL = "all_full"


@transaction.atomic
def match_round(*, round: PlacementRound, by: User | None = None) -> MatchReport:
    """Propose placements for everyone who stated preferences, optimally (see
    `placements.matching`). Earlier proposals are replaced; confirmed
    placements keep their seats."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    if round.status not in (PlacementRound.Status.COLLECTING, PlacementRound.Status.MATCHING):
        raise PlacementRefused(
            _("Matching runs while a round collects preferences or is being matched."), code="status"
        )
    positions = list(round.positions.select_for_update().order_by("pk").prefetch_related("required_courses"))
    round.placements.filter(status=Placement.Status.PROPOSED).delete()
    held = dict(
        round.placements.filter(status__in=Placement.LIVE_STATUSES)
        .values("position")
        .annotate(n=Count("pk"))
        .values_list("position", "n")
    )
    trainees, choices = _waiting_trainees_and_eligible_choices(round, positions)
    capacity = {p.pk: p.capacity - held.get(p.pk, 0) for p in positions}
    assignment = matching.assign(choices, capacity, trainees)
    by_id = {p.pk: p for p in positions}
    proposals = Placement.objects.bulk_create(
        Placement(
            trainee=trainees[trainee_id],
            round=round,
            position=by_id[position_id],
            preference_rank=rank,
            assigned_by=by,
            status=Placement.Status.PROPOSED,
        )
        for trainee_id, (position_id, rank) in sorted(assignment.placed.items())
    )
    audit.record_bulk(proposals, action=LogEntry.Action.CREATE, actor=by)
    round.status = PlacementRound.Status.MATCHING
    round.save(update_fields=["status"])
    with_choice = {c.trainee for c in choices}
    return MatchReport(
        rank_counts=assignment.rank_counts(),
        placed=len(assignment.placed),
        unplaced=[(trainees[t], ALL_FULL if t in with_choice else NO_ELIGIBLE_POSITION) for t in assignment.unplaced],
    )


def _lock_positions(*positions: Position) -> dict[int, Position]:
    ids = sorted({p.pk for p in positions})
    return {p.pk: p for p in Position.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _check_seat(position: Position, trainee: Practitioner) -> None:
    taken = position.placements.filter(status__in=Placement.LIVE_STATUSES).count()
    if taken >= position.capacity:
        raise PlacementRefused(_("%(position)s is full.") % {"position": position}, code="full")
    reason = ineligibility(trainee, position)
    if reason:
        raise PlacementRefused(reason, code="not_eligible")


def _preference_rank(trainee: Practitioner, position: Position) -> int | None:
    return Preference.objects.filter(trainee=trainee, position=position).values_list("rank", flat=True).first()


@transaction.atomic
def add_placement(*, trainee: Practitioner, position: Position, by: User) -> Placement:
    """Place someone by hand (for example a trainee who stated no preferences)."""
    position = _lock_positions(position)[position.pk]
    round = position.round
    if round.status not in (PlacementRound.Status.MATCHING, PlacementRound.Status.CONFIRMED):
        raise PlacementRefused(_("Placements are made after matching has started."), code="status")
    _check_seat(position, trainee)
    status = (
        Placement.Status.CONFIRMED if round.status == PlacementRound.Status.CONFIRMED else Placement.Status.PROPOSED
    )
    try:
        with transaction.atomic():
            return Placement.objects.create(
                trainee=trainee,
                round=round,
                position=position,
                preference_rank=_preference_rank(trainee, position),
                assigned_by=by,
                status=status,
                confirmed_at=timezone.now() if status == Placement.Status.CONFIRMED else None,
            )
    except IntegrityError:
        raise PlacementRefused(
            _("%(name)s already has a placement in this round.") % {"name": trainee.name}, code="already_placed"
        ) from None


@transaction.atomic
def move_placement(*, placement: Placement, position: Position, by: User) -> Placement:
    locked = _lock_positions(placement.position, position)
    placement = Placement.objects.select_for_update(of=("self",)).select_related("trainee").get(pk=placement.pk)
    position = locked[position.pk]
    if placement.status not in (Placement.Status.PROPOSED, Placement.Status.CONFIRMED):
        raise PlacementRefused(_("Only proposed or confirmed placements can be moved."), code="status")
    if position.round_id != placement.round_id:
        raise PlacementRefused(_("A placement moves only within its round."), code="wrong_round")
    if position.pk == placement.position_id:
        return placement
    _check_seat(position, placement.trainee)
    placement.position = position
    placement.preference_rank = _preference_rank(placement.trainee, position)
    placement.assigned_by = by
    placement.save(update_fields=["position", "preference_rank", "assigned_by", "updated_at"])
    return placement


@transaction.atomic
def withdraw_placement(*, placement: Placement) -> Placement:
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.status not in (Placement.Status.PROPOSED, Placement.Status.CONFIRMED):
        raise PlacementRefused(_("Only proposed or confirmed placements can be withdrawn."), code="status")
    placement.status = Placement.Status.WITHDRAWN
    placement.save(update_fields=["status", "updated_at"])
    return placement


@transaction.atomic
def confirm_round(*, round: PlacementRound, by: User | None = None) -> int:
    """Confirm every proposal and tell the trainees. Returns how many were confirmed."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    if round.status != PlacementRound.Status.MATCHING:
        raise PlacementRefused(_("Only a round being matched can be confirmed."), code="status")
    proposals = list(
        round.placements.filter(status=Placement.Status.PROPOSED).select_related("trainee__user", "position__base")
    )
    now = timezone.now()
    for placement in proposals:
        placement.status = Placement.Status.CONFIRMED
        placement.confirmed_at = now
    Placement.objects.bulk_update(proposals, ["status", "confirmed_at"])
    confirmed = {
        "status": [Placement.Status.PROPOSED.value, Placement.Status.CONFIRMED.value],
        "confirmed_at": ["None", str(now)],
    }
    audit.record_bulk(proposals, action=LogEntry.Action.UPDATE, changes=lambda placement: confirmed, actor=by)
    round.status = PlacementRound.Status.CONFIRMED
    round.save(update_fields=["status"])
    transaction.on_commit(lambda: [_tell_confirmed(p) for p in proposals])
    return len(proposals)


def _tell_confirmed(placement: Placement) -> None:
    trainee = placement.trainee
    address = trainee.email or (trainee.user.email if trainee.user else "")
    if not address:
        return
    send_mail(
        subject=_("Your internship placement: %(position)s") % {"position": placement.position},
        message=_(
            "Dear %(name)s,\n\nYour internship in %(round)s is confirmed: %(position)s.\n"
            "See the details and log your hours here: %(url)s\n"
        )
        % {
            "name": trainee.name,
            "round": placement.round,
            "position": placement.position,
            "url": settings.SITE_BASE_URL + "/placements/mine/",
        },
        from_email=None,
        recipient_list=[address],
        fail_silently=True,
    )


def set_tutor(*, placement: Placement, tutor: Practitioner | None) -> Placement:
    placement.tutor = tutor
    placement.save(update_fields=["tutor", "updated_at"])
    return placement


@transaction.atomic
def log_hours(*, placement: Placement, date, hours: Decimal, activity: str) -> HourLog:
    round = placement.round
    if placement.status != Placement.Status.CONFIRMED:
        raise PlacementRefused(_("Hours are logged for a confirmed placement."), code="status")
    if not round.internship_start <= date <= round.internship_end:
        raise PlacementRefused(_("The date is outside the internship."), code="outside_internship")
    if date > timezone.localdate():
        raise PlacementRefused(_("Hours cannot be logged for a future day."), code="future")
    if not Decimal(0) < hours <= Decimal(12):
        raise PlacementRefused(_("Log between 0 and 12 hours for a day."), code="hours_out_of_range")
    try:
        with transaction.atomic():
            return HourLog.objects.create(placement=placement, date=date, hours=hours, activity=activity)
    except IntegrityError:
        raise PlacementRefused(_("Hours for this day are already logged."), code="day_already_logged") from None


def can_review(user: User, placement: Placement) -> bool:
    """The position's on-site supervisor, the base's coordinators, administrators."""
    supervisor = placement.position.supervisor
    if supervisor is not None and supervisor.user_id == user.pk:
        return True
    return Position.objects.visible_to(user).filter(pk=placement.position_id).exists()


@transaction.atomic
def review_hour_log(*, log: HourLog, approve: bool, by: User, reason: str = "") -> HourLog:
    log = (
        HourLog.objects.select_for_update(of=("self",)).select_related("placement__position__supervisor").get(pk=log.pk)
    )
    if not can_review(by, log.placement):
        raise PlacementRefused(_("You cannot review these hours."), code="not_allowed")
    if not approve and not reason.strip():
        raise PlacementRefused(_("Give a reason when rejecting hours."), code="reason_required")
    log.status = HourLog.Status.APPROVED if approve else HourLog.Status.REJECTED
    log.review_reason = reason.strip()
    log.reviewed_by = by
    log.reviewed_at = timezone.now()
    log.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    _update_completion(log.placement)
    return log


def approved_hours(placement: Placement) -> Decimal:
    return placement.hour_logs.filter(status=HourLog.Status.APPROVED).aggregate(total=Sum("hours"))["total"] or Decimal(
        0
    )


@transaction.atomic
def submit_evaluation(*, placement: Placement, mentor: Practitioner, score: Decimal, comment: str = "") -> Evaluation:
    """The on-site supervisor's or the tutor's evaluation; each submits once and may revise."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("position__supervisor", "round")
        .get(pk=placement.pk)
    )
    if placement.status not in (Placement.Status.CONFIRMED, Placement.Status.COMPLETED, Placement.Status.FAILED):
        raise PlacementRefused(_("Only a confirmed placement can be evaluated."), code="status")
    if mentor.pk == placement.position.supervisor_id:
        role = Evaluation.Role.SUPERVISOR
    elif mentor.pk == placement.tutor_id:
        role = Evaluation.Role.TUTOR
    else:
        raise PlacementRefused(_("Only the placement's supervisor or tutor can evaluate it."), code="not_mentor")
    if not Decimal(0) <= score <= Decimal(100):
        raise PlacementRefused(_("The score is between 0 and 100."), code="score_out_of_range")
    evaluation, _created = Evaluation.objects.update_or_create(
        placement=placement, role=role, defaults={"mentor": mentor, "score": score, "comment": comment}
    )
    _update_completion(placement)
    return evaluation


def _update_completion(placement: Placement) -> None:
    """Complete the placement when the hours are approved and both mentors have
    evaluated; it fails when either evaluation is below the passing score."""
    if placement.status not in (Placement.Status.CONFIRMED, Placement.Status.COMPLETED, Placement.Status.FAILED):
        return
    evaluations = list(placement.evaluations.all())
    if len(evaluations) < 2 or approved_hours(placement) < placement.round.required_hours:
        status = Placement.Status.CONFIRMED
    elif all(e.score >= settings.PLACEMENT_PASSING_SCORE for e in evaluations):
        status = Placement.Status.COMPLETED
    else:
        status = Placement.Status.FAILED
    if status != placement.status:
        placement.status = status
        placement.completed_at = timezone.now() if status == Placement.Status.COMPLETED else None
        placement.save(update_fields=["status", "completed_at", "updated_at"])
        if status == Placement.Status.COMPLETED:
            hours = approved_hours(placement)
            # After the commit: a rendering failure must not undo the completion;
            # the coordinator's batch issues whatever is missing.
            transaction.on_commit(lambda: certificate_services.issue_for_placement(placement, hours), robust=True)


def unplaced_with_reasons(round: PlacementRound) -> list[tuple[Practitioner, str]]:
    """Who stated preferences in the round but has no placement, and why."""
    positions = list(round.positions.prefetch_related("required_courses"))
    trainees, choices = _waiting_trainees_and_eligible_choices(round, positions)
    with_choice = {c.trainee for c in choices}
    return sorted(
        ((t, ALL_FULL if pk in with_choice else NO_ELIGIBLE_POSITION) for pk, t in trainees.items()),
        key=lambda pair: (pair[0].name, pair[0].pk),
    )


def rank_counts(round: PlacementRound) -> dict[int | None, int]:
    counts: dict[int | None, int] = dict.fromkeys([*range(1, MAX_PREFERENCES + 1), None], 0)
    live = round.placements.filter(status__in=Placement.LIVE_STATUSES)
    for rank in live.values_list("preference_rank", flat=True):
        counts[rank] += 1
    return counts


def certificate_sources(round: PlacementRound, *, positions=None) -> list:
    """What the round's certificates are for: its completed placements (at
    `positions` when given), with their approved hours summed in the query."""
    completed = round.placements.filter(status=Placement.Status.COMPLETED)
    if positions is not None:
        completed = completed.filter(position__in=positions)
    completed = completed.select_related("trainee", "position__base__sub_district", "round").annotate(
        approved=Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED))
    )
    return [certificate_services.source_for_placement(p, p.approved or Decimal(0)) for p in completed.order_by("pk")]
