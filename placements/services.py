"""Preferences, matching, assignment, hours and completion of internships.

Lock order. A write that locks several rows takes them in this order, and
only in this order, so that two writes never wait for each other in a cycle:

    round → positions (by id) → placement → agreement, journal entries, hour logs → evaluations

(The lifecycle modules — appeals, offers, agreements, journals, rubrics — keep it too.)

- Changes that take a seat lock the round, then the position rows (in id order
  when there are two), and count the seats under the lock, so capacity holds
  whatever coordinators do at the same time.
- Every path that can complete or fail a placement (reviewing hours,
  evaluating, `reconcile_completions`) locks the placement row first, then
  writes the rows below it, and decides completion under that same lock. Of a
  last hour approval and a last evaluation arriving together, the second waits
  for the first to commit and then sees its write, so neither can leave the
  placement confirmed with everything it needs.

Who may act: administrators and a round's organisers run the round (match,
confirm, reopen) and manage all of its placements; a practice base's
coordinators manage the placements on their own positions (the rule is in
`PlacementRoundQuerySet`). Each service checks the acting user, `by`, against
every row the call touches, whatever page it was called from.

A completed placement is announced (`placements.signals.placement_completed`)
after the commit; the certificates app issues the certificate.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from placements import completion, matching, notices, rubrics
from placements.errors import PlacementRefused
from placements.models import (
    Appeal,
    Evaluation,
    HourLog,
    LearningAgreement,
    NotAcceptable,
    Placement,
    PlacementRound,
    Position,
    Preference,
)
from rosters.audit import record_bulk
from talent.audit import record_event
from talent.models import Practitioner, User
from training.models import Enrollment

MAX_PREFERENCES = 5


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
def submit_preferences(
    *, trainee: Practitioner, round: PlacementRound, positions: list[Position], statements: list[str] | None = None
) -> list[Preference]:
    """Replace the trainee's ranked choices (first = rank 1) for the round,
    each with an optional short statement to the base (`statements`, in the same order)."""
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
    statements = list(statements or []) + [""] * len(positions)
    return Preference.objects.bulk_create(
        Preference(trainee=trainee, round=round, position=position, rank=rank, statement=statements[rank - 1][:300])
        for rank, position in enumerate(positions, start=1)
    )


def waiting_trainees_and_eligible_choices(
    round: PlacementRound, positions: list[Position], *, include_proposed: bool = False
) -> tuple[dict[int, Practitioner], list[matching.Choice]]:
    """Everyone with preferences and no placement in the round (with
    `include_proposed`, also those holding a proposal: the matching's own
    instance), and their eligible choices, in a fixed number of queries. A
    choice is eligible when the courses are done, no other placement overlaps
    and the base has not marked the trainee not acceptable there."""
    placed = round.placements.filter(status__in=Placement.LIVE_STATUSES)
    if include_proposed:
        placed = placed.exclude(status=Placement.Status.PROPOSED)
    already_placed = placed.values("trainee")
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
    refused = set(
        NotAcceptable.objects.filter(position__round=round, trainee__in=trainees).values_list("trainee", "position")
    )
    choices = [
        matching.Choice(p.trainee_id, p.position_id, p.rank)
        for p in preferences
        if p.trainee_id not in clashing
        and required[p.position_id] <= completed.get(p.trainee_id, set())
        and (p.trainee_id, p.position_id) not in refused
    ]
    return trainees, choices


@dataclass
class MatchReport:
    rank_counts: dict[int, int]
    placed: int
    unplaced: list[tuple[Practitioner, str]] = field(default_factory=list)


NO_ELIGIBLE_POSITION = "no_eligible_position"
ALL_FULL = "all_full"


def seats_held_outside_matching(round: PlacementRound) -> dict[int, int]:
    """Seats per position held by placements that are not proposals (confirmed by hand or by import)."""
    return dict(
        round.placements.filter(status__in=Placement.LIVE_STATUSES)
        .exclude(status=Placement.Status.PROPOSED)
        .values("position")
        .annotate(n=Count("pk"))
        .values_list("position", "n")
    )


# Who may act -------------------------------------------------------------


def _check_not_published(round: PlacementRound) -> None:
    if round.published_at is not None:
        raise PlacementRefused(
            _("The proposals were published to the trainees; change them through their appeals."), code="published"
        )


def _check_organises(round: PlacementRound, by: User) -> None:
    if not round.is_organised_by(by):
        raise PlacementRefused(
            _("Only the round's organisers and administrators can match, confirm or reopen it."), code="not_allowed"
        )


def _check_manages(by: User, *positions: Position) -> None:
    """`by` may place people on, and take them off, every one of `positions`."""
    managed = set(Position.objects.managed_by(by).filter(pk__in={p.pk for p in positions}).values_list("pk", flat=True))
    if any(p.pk not in managed for p in positions):
        raise PlacementRefused(_("You can manage placements only on your own base's positions."), code="not_allowed")


def _check_deadline(round: PlacementRound, *, by: User, override_reason: str, event: str) -> None:
    """Refuse before the preference deadline: trainees who have not ranked yet
    would be locked out. An administrator may go ahead with a stated reason,
    which is recorded (`event` is an audit.display.EVENTS key)."""
    if not round.before_deadline():
        return
    deadline = formats.date_format(timezone.localtime(round.preference_deadline), "DATETIME_FORMAT")
    if not by.is_administrator:
        raise PlacementRefused(
            _("Trainees can rank positions until %(deadline)s; the round is matched and confirmed after that.")
            % {"deadline": deadline},
            code="before_deadline",
        )
    if not override_reason.strip():
        raise PlacementRefused(
            _(
                "Trainees can rank positions until %(deadline)s. To go ahead before then, give the reason; "
                "it is recorded in the audit log."
            )
            % {"deadline": deadline},
            code="before_deadline",
        )
    record_event(round, event=event, actor=by, reason=override_reason.strip())


# The round -----------------------------------------------------------------


@transaction.atomic
def match_round(*, round: PlacementRound, by: User, override_reason: str = "") -> MatchReport:
    """Propose placements for everyone who stated preferences, optimally (see
    `placements.matching`). Earlier proposals are replaced; confirmed
    placements keep their seats. Organisers only, after the deadline (see
    `_check_deadline`)."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    _check_organises(round, by)
    if round.status not in (PlacementRound.Status.COLLECTING, PlacementRound.Status.MATCHING):
        raise PlacementRefused(
            _("Matching runs while a round collects preferences or is being matched."), code="status"
        )
    _check_deadline(round, by=by, override_reason=override_reason, event="match_before_deadline")
    _check_not_published(round)
    positions = list(round.positions.select_for_update().order_by("pk").prefetch_related("required_courses"))
    round.placements.filter(status=Placement.Status.PROPOSED).delete()
    held = seats_held_outside_matching(round)
    trainees, choices = waiting_trainees_and_eligible_choices(round, positions)
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
    record_bulk(proposals, action=LogEntry.Action.CREATE, actor=by)
    round.status = PlacementRound.Status.MATCHING
    round.save(update_fields=["status"])
    with_choice = {c.trainee for c in choices}
    return MatchReport(
        rank_counts=assignment.rank_counts(),
        placed=len(assignment.placed),
        unplaced=[(trainees[t], ALL_FULL if t in with_choice else NO_ELIGIBLE_POSITION) for t in assignment.unplaced],
    )


@transaction.atomic
def confirm_round(*, round: PlacementRound, by: User, override_reason: str = "") -> int:
    """Confirm every proposal and tell the trainees. Returns how many were
    confirmed. Organisers only, after the deadline (see `_check_deadline`),
    once the proposals were published and the appeal window has closed
    (placements.appeals); an administrator may skip publication with a
    stated reason, which is recorded."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    _check_organises(round, by)
    if round.status != PlacementRound.Status.MATCHING:
        raise PlacementRefused(_("Only a round being matched can be confirmed."), code="status")
    _check_deadline(round, by=by, override_reason=override_reason, event="confirm_before_deadline")
    if round.published_at is None:
        if not (by.is_administrator and override_reason.strip()):
            raise PlacementRefused(
                _(
                    "Publish the proposals first: the trainees see them, with the reasons, and may appeal "
                    "before the round is confirmed."
                ),
                code="not_published",
            )
        record_event(round, event="confirm_unpublished", actor=by, reason=override_reason.strip())
    if round.takes_appeals():
        raise PlacementRefused(
            _("Trainees may appeal until %(deadline)s; confirm the round after that.")
            % {"deadline": formats.date_format(timezone.localtime(round.appeal_deadline), "DATETIME_FORMAT")},
            code="appeal_window",
        )
    if round.appeals.filter(status=Appeal.Status.OPEN).exists():
        raise PlacementRefused(_("Resolve the open appeals before confirming the round."), code="appeals_open")
    # Only what the audit entries (str) and the notifications need: a round
    # of 3,000 is read in a fraction of a second.
    proposals = list(
        round.placements.filter(status=Placement.Status.PROPOSED)
        .select_related("trainee", "position__base__sub_district")
        .only(
            "round_id",
            "status",
            "confirmed_at",
            "respond_by",
            *(f"trainee__{f}" for f in ("name", "user_id", "email", "mobile", "preferred_language")),
            "position__title",
            "position__base__address",
            "position__base__sub_district__name",
        )
    )
    now = timezone.now()
    respond_by = now + datetime.timedelta(days=round.response_days)
    for placement in proposals:
        placement.status = Placement.Status.CONFIRMED
        placement.confirmed_at = now
        placement.respond_by = respond_by
    # The same values for every row: one UPDATE (bulk_update's CASE over 3,000 rows takes seconds).
    Placement.objects.filter(pk__in=[p.pk for p in proposals]).update(
        status=Placement.Status.CONFIRMED, confirmed_at=now, respond_by=respond_by
    )
    confirmed = {
        "status": [Placement.Status.PROPOSED.value, Placement.Status.CONFIRMED.value],
        "confirmed_at": ["None", str(now)],
    }
    record_bulk(proposals, action=LogEntry.Action.UPDATE, changes=lambda placement: confirmed, actor=by)
    round.status = PlacementRound.Status.CONFIRMED
    round.save(update_fields=["status"])
    notices.confirmed(proposals)
    return len(proposals)


@transaction.atomic
def reopen_round(*, round: PlacementRound, by: User, preference_deadline) -> int:
    """Take a round being matched back to collecting preferences, until a new
    deadline in the future. Returns how many proposals were discarded.

    Proposals were never announced, so they are discarded; the next matching
    makes new ones. Placements already confirmed (by hand or by import) keep
    their seats and are not touched, and trainees keep their preferences,
    which they may now revise. A confirmed round is not reopened: its trainees
    have been told."""
    round = PlacementRound.objects.select_for_update().get(pk=round.pk)
    _check_organises(round, by)
    if round.status != PlacementRound.Status.MATCHING:
        raise PlacementRefused(_("Only a round being matched can be reopened."), code="status")
    _check_not_published(round)
    if preference_deadline <= timezone.now():
        raise PlacementRefused(_("The new preference deadline must be in the future."), code="deadline_past")
    discarded, _by_model = round.placements.filter(status=Placement.Status.PROPOSED).delete()
    round.status = PlacementRound.Status.COLLECTING
    round.preference_deadline = preference_deadline
    round.save(update_fields=["status", "preference_deadline"])
    return discarded


def _lock_round(pk: int) -> PlacementRound:
    return PlacementRound.objects.select_for_update().get(pk=pk)


def _lock_positions(*ids: int) -> dict[int, Position]:
    """Lock positions in id order (see the lock order)."""
    locked = Position.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {p.pk: p for p in locked.select_related("round")}


def _check_seat(position: Position, trainee: Practitioner) -> None:
    taken = position.placements.filter(status__in=Placement.LIVE_STATUSES).count()
    if taken >= position.capacity:
        raise PlacementRefused(_("%(position)s is full.") % {"position": position}, code="full")
    reason = ineligibility(trainee, position)
    if reason:
        raise PlacementRefused(reason, code="not_eligible")
    if NotAcceptable.objects.filter(position=position, trainee=trainee).exists():
        raise PlacementRefused(
            _("%(position)s's base marked %(name)s as not acceptable.") % {"position": position, "name": trainee.name},
            code="not_acceptable",
        )


def _preference_rank(trainee: Practitioner, position: Position) -> int | None:
    return Preference.objects.filter(trainee=trainee, position=position).values_list("rank", flat=True).first()


_lock_placement = completion.lock_placement


@transaction.atomic
def add_placement(*, trainee: Practitioner, position: Position, by: User) -> Placement:
    """Place someone by hand (for example a trainee who stated no preferences)."""
    round = _lock_round(position.round_id)
    position = _lock_positions(position.pk)[position.pk]
    _check_manages(by, position)
    if round.status not in (PlacementRound.Status.MATCHING, PlacementRound.Status.CONFIRMED):
        raise PlacementRefused(_("Placements are made after matching has started."), code="status")
    _check_seat(position, trainee)
    status = (
        Placement.Status.CONFIRMED if round.status == PlacementRound.Status.CONFIRMED else Placement.Status.PROPOSED
    )
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
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
    if status == Placement.Status.CONFIRMED:
        notices.confirmed([placement])
    return placement


@transaction.atomic
def move_placement(*, placement: Placement, position: Position, by: User) -> Placement:
    """Move a placement to another position of its round. `by` must manage
    both ends: a base coordinator cannot push someone onto another base's
    position, nor pull someone off it."""
    if position.round_id != placement.round_id:
        raise PlacementRefused(_("A placement moves only within its round."), code="wrong_round")
    _lock_round(placement.round_id)
    # Read under the round lock, which every move takes: it cannot change now.
    current = Placement.objects.values_list("position", flat=True).get(pk=placement.pk)
    locked = _lock_positions(current, position.pk)
    placement = _lock_placement(placement.pk)
    position = locked[position.pk]
    _check_manages(by, locked[current], position)
    if placement.status not in (Placement.Status.PROPOSED, Placement.Status.CONFIRMED):
        raise PlacementRefused(_("Only proposed or confirmed placements can be moved."), code="status")
    if position.pk == placement.position_id:
        return placement
    _check_seat(position, placement.trainee)
    placement.position = position
    placement.preference_rank = _preference_rank(placement.trainee, position)
    placement.assigned_by = by
    placement.save(update_fields=["position", "preference_rank", "assigned_by", "updated_at"])
    return placement


@transaction.atomic
def withdraw_placement(*, placement: Placement, by: User) -> Placement:
    placement = _lock_placement(placement.pk)
    _check_manages(by, placement.position)
    if placement.status not in (Placement.Status.PROPOSED, Placement.Status.CONFIRMED):
        raise PlacementRefused(_("Only proposed or confirmed placements can be withdrawn."), code="status")
    placement.status = Placement.Status.WITHDRAWN
    placement.end_reason = Placement.EndReason.WITHDRAWN
    placement.save(update_fields=["status", "end_reason", "updated_at"])
    return placement


@transaction.atomic
def set_tutor(*, placement: Placement, tutor: Practitioner | None, by: User) -> Placement:
    placement = _lock_placement(placement.pk)
    _check_manages(by, placement.position)
    placement.tutor = tutor
    placement.save(update_fields=["tutor", "updated_at"])
    return placement


# Hours, evaluations, completion -------------------------------------------------


@transaction.atomic
def log_hours(*, placement: Placement, date, hours: Decimal, activity: str) -> HourLog:
    # The placement is locked so that no hours are added to it while another
    # call decides whether it is complete.
    placement = _lock_placement(placement.pk)
    round = placement.round
    if placement.status != Placement.Status.CONFIRMED:
        raise PlacementRefused(_("Hours are logged for a confirmed placement."), code="status")
    agreement = LearningAgreement.objects.filter(placement=placement).first()
    if agreement is None or not agreement.is_confirmed:
        raise PlacementRefused(
            _("Hours are logged once the learning agreement is confirmed by you, the supervisor and the tutor."),
            code="agreement_not_confirmed",
        )
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
    # Lock order: the placement first, then its hour log (see the module docstring).
    placement = _lock_placement(log.placement_id)
    log = HourLog.objects.select_for_update().get(pk=log.pk)
    log.placement = placement
    if not can_review(by, placement):
        raise PlacementRefused(_("You cannot review these hours."), code="not_allowed")
    if not approve and not reason.strip():
        raise PlacementRefused(_("Give a reason when rejecting hours."), code="reason_required")
    log.status = HourLog.Status.APPROVED if approve else HourLog.Status.REJECTED
    log.review_reason = reason.strip()
    log.reviewed_by = by
    log.reviewed_at = timezone.now()
    log.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    _update_completion(placement)
    notices.hours_reviewed(log)
    return log


approved_hours = completion.approved_hours


@transaction.atomic
def submit_evaluation(
    *,
    placement: Placement,
    mentor: Practitioner,
    score: Decimal | None = None,
    comment: str = "",
    stage: str = Evaluation.Stage.FINAL,
    ratings: dict[int, tuple[int, str]] | None = None,
) -> Evaluation:
    """The on-site supervisor's or the tutor's midterm or final evaluation;
    each submits once per stage and may revise. With a rubric in use, `ratings`
    (competency id → (level 1–5, evidence)) gives the score (see
    `placements.rubrics`); without one, `score` (0–100) is given directly."""
    placement = _lock_placement(placement.pk)
    if placement.status not in (Placement.Status.CONFIRMED, Placement.Status.COMPLETED, Placement.Status.FAILED):
        raise PlacementRefused(_("Only a confirmed placement can be evaluated."), code="status")
    if mentor.pk == placement.position.supervisor_id:
        role = Evaluation.Role.SUPERVISOR
    elif mentor.pk == placement.tutor_id:
        role = Evaluation.Role.TUTOR
    else:
        raise PlacementRefused(_("Only the placement's supervisor or tutor can evaluate it."), code="not_mentor")
    rubric = rubrics.rubric_in_use()
    if rubric:
        score = rubrics.weighted_score(rubric, rubrics.checked_ratings(rubric, ratings or {}))
    elif score is None or not Decimal(0) <= score <= Decimal(100):
        raise PlacementRefused(_("The score is between 0 and 100."), code="score_out_of_range")
    evaluation, _created = Evaluation.objects.update_or_create(
        placement=placement, role=role, stage=stage, defaults={"mentor": mentor, "score": score, "comment": comment}
    )
    if rubric:
        rubrics.save_ratings(evaluation, rubric, ratings)
    _update_completion(placement)
    return evaluation


# The rule itself lives in placements.completion, shared with the lifecycle modules.
_update_completion = completion.update_completion


def left_behind() -> QuerySet:
    """Confirmed placements that meet the completion rule's conditions (both
    final evaluations, the round's hours approved, the agreement confirmed,
    the journals written) yet were not settled: what a crash, or a race before
    the lock order was kept, can leave."""
    approved = (
        HourLog.objects.filter(placement=OuterRef("pk"), status=HourLog.Status.APPROVED)
        .values("placement")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    evaluated = (
        Evaluation.objects.filter(placement=OuterRef("pk"), stage=Evaluation.Stage.FINAL)
        .values("placement")
        .annotate(n=Count("pk"))
    )
    candidates = (
        Placement.objects.filter(status=Placement.Status.CONFIRMED)
        .annotate(
            approved=Subquery(approved),
            evaluations_given=Subquery(evaluated.values("n")),
            journal_weeks=Count("journal_entries"),
        )
        .filter(
            approved__gte=F("round__required_hours"),
            evaluations_given__gte=2,
            agreement__trainee_confirmed_at__isnull=False,
            agreement__supervisor_confirmed_at__isnull=False,
            agreement__tutor_confirmed_at__isnull=False,
        )
        .select_related("round")
    )
    # Journal weeks are counted against each round's own weeks, in Python.
    done = [p.pk for p in candidates if p.journal_weeks >= completion.journal_weeks_required(p.round)]
    return Placement.objects.filter(pk__in=done)


def reconcile_completions() -> int:
    """Complete or fail, by the same rule and under the same lock as the
    normal paths, the placements left behind. Each in its own transaction, so
    one failure keeps the others. Returns how many were settled."""
    settled = 0
    for pk in left_behind().order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            settled += _update_completion(_lock_placement(pk))
    return settled


# Reads ---------------------------------------------------------------------------


def unplaced_with_reasons(round: PlacementRound, *, positions=None) -> list[tuple[Practitioner, str]]:
    """Who stated preferences in the round but has no placement, and why; with
    `positions`, only those who ranked at least one of them (a base's
    coordinator sees the people who asked for their base, not the others)."""
    every_position = list(round.positions.prefetch_related("required_courses"))
    trainees, choices = waiting_trainees_and_eligible_choices(round, every_position)
    if positions is not None:
        asked = set(round.preferences.filter(position__in=positions).values_list("trainee", flat=True))
        trainees = {pk: t for pk, t in trainees.items() if pk in asked}
    with_choice = {c.trainee for c in choices}
    return sorted(
        ((t, ALL_FULL if pk in with_choice else NO_ELIGIBLE_POSITION) for pk, t in trainees.items()),
        key=lambda pair: (pair[0].name, pair[0].pk),
    )


def rank_counts(round: PlacementRound, *, positions=None) -> dict[int | None, int]:
    counts: dict[int | None, int] = dict.fromkeys([*range(1, MAX_PREFERENCES + 1), None], 0)
    live = round.placements.filter(status__in=Placement.LIVE_STATUSES)
    if positions is not None:
        live = live.filter(position__in=positions)
    for rank in live.values_list("preference_rank", flat=True):
        counts[rank] += 1
    return counts


def completed_placements(round: PlacementRound, *, positions=None) -> QuerySet:
    """The round's completed placements (at `positions` when given), with
    their approved hours summed in the query as `approved`: what its
    internship certificates are for."""
    completed = round.placements.filter(status=Placement.Status.COMPLETED)
    if positions is not None:
        completed = completed.filter(position__in=positions)
    return (
        completed.select_related("trainee", "position__base__sub_district", "round")
        .annotate(approved=Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)))
        .order_by("pk")
    )
