"""Notifications of the internship round: placement confirmed (mandatory),
hour log approved or rejected (with the reason), and three reminders: the
preference deadline in 3 days (eligible trainees who have not ranked), hours
awaiting approval (a daily digest for supervisors and coordinators) and
evaluations due (supervisors and tutors). Proposals published with their
appeal window are placements.appeals' ("placements.published").

Registered from PlacementsConfig.ready(); the reminders read what they need
in a fixed number of queries, whatever the number of people.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, register
from notifications.reminders import reminder
from notifications.services import Item, notify_many
from placements.models import Evaluation, HourLog, Placement, PlacementRound, PracticeBase, Preference
from talent.models import Practitioner, User
from talent.roles import Role
from training.models import Enrollment

CONFIRMED = "placements.confirmed"
HOURS_REVIEWED = "placements.hours_reviewed"
PREFERENCE_DEADLINE = "placements.preference_deadline"
HOURS_AWAITING = "placements.hours_awaiting"
EVALUATION_DUE = "placements.evaluation_due"

#: Days before the preference deadline at which those who have not ranked are reminded.
DEADLINE_NOTICE_DAYS = 3
#: Days before the end of the internship at which the final evaluation is asked for.
EVALUATION_NOTICE_DAYS = 7


def register_kinds() -> None:
    register(
        Kind(
            code=CONFIRMED,
            label=_("Internship placement confirmed"),
            template="placements/notifications/confirmed",
            mandatory=True,
        )
    )
    register(
        Kind(
            code=HOURS_REVIEWED,
            label=_("Internship hours approved or rejected"),
            template="placements/notifications/hours_reviewed",
        )
    )
    register(
        Kind(
            code=PREFERENCE_DEADLINE,
            label=_("Internship preference deadline in 3 days"),
            template="placements/notifications/preference_deadline",
        )
    )
    register(
        Kind(
            code=HOURS_AWAITING,
            label=_("Internship hours awaiting your approval (daily)"),
            template="placements/notifications/hours_awaiting",
        )
    )
    register(
        Kind(
            code=EVALUATION_DUE,
            label=_("Internship evaluation due"),
            template="placements/notifications/evaluation_due",
        )
    )
    reminder(PREFERENCE_DEADLINE)(preference_deadline_soon)
    reminder(HOURS_AWAITING)(hours_awaiting_approval)
    reminder(EVALUATION_DUE)(evaluations_due)


def confirmed(placements: list[Placement]) -> None:
    """Each trainee of a confirmed round (or a placement confirmed by hand):
    where, when, and what to do next. Set-based: a round of 3,000 is written
    with a handful of queries and sent by the workers."""
    link = reverse("placements:mine")
    placements = list(placements)
    # The rounds once, whatever the caller selected with the placements.
    rounds = PlacementRound.objects.in_bulk({p.round_id for p in placements})
    contexts: dict[int, dict] = {}
    items = []
    for placement in placements:
        position = placement.position
        if position.pk not in contexts:
            base = position.base
            round = rounds[placement.round_id]
            contexts[position.pk] = {
                "round": round.name,
                "position": position.title,
                "base": str(base),
                "address": base.address,
                "start": round.internship_start,
                "end": round.internship_end,
                "required_hours": round.required_hours,
                "respond_by": timezone.localtime(placement.respond_by) if placement.respond_by else None,
            }
        items.append(Item(placement.trainee, contexts[position.pk], link, f"placement:{placement.pk}"))
    notify_many(kind=CONFIRMED, items=items)


def hours_reviewed(log: HourLog) -> None:
    placement = log.placement
    notify_many(
        kind=HOURS_REVIEWED,
        items=[
            Item(
                placement.trainee,
                {
                    "approved": log.status == HourLog.Status.APPROVED,
                    "date": log.date,
                    "hours": log.hours,
                    "activity": log.activity,
                    "reason": log.review_reason,
                    "position": placement.position.title,
                },
                reverse("placements:mine"),
                f"hourlog:{log.pk}:{log.status}:{log.reviewed_at:%Y%m%d%H%M%S%f}",
            )
        ],
    )


def preference_deadline_soon(today: datetime.date):
    """Trainees with an account who could take a position of a round whose
    preferences close within DEADLINE_NOTICE_DAYS and who have not ranked any.
    Per round: the positions' course requirements, the candidates, their
    completed courses (three queries)."""
    rounds = PlacementRound.objects.filter(
        status=PlacementRound.Status.COLLECTING, preference_deadline__gt=timezone.now()
    ).prefetch_related("positions__required_courses")
    link = reverse("placements:mine")
    for round in rounds:
        deadline = timezone.localtime(round.preference_deadline)
        if (deadline.date() - today).days > DEADLINE_NOTICE_DAYS:
            continue
        requirements = [frozenset(c.pk for c in p.required_courses.all()) for p in round.positions.all()]
        if not requirements:
            continue
        overlapping = Placement.objects.filter(
            trainee=OuterRef("pk"),
            status__in=Placement.LIVE_STATUSES,
            round__internship_start__lte=round.internship_end,
            round__internship_end__gte=round.internship_start,
        )
        candidates = (
            Practitioner.objects.filter(
                status=Practitioner.Status.ACTIVE, user__is_active=True, user__groups__name=Role.TRAINEE
            )
            .exclude(Exists(Preference.objects.filter(round=round, trainee=OuterRef("pk"))))
            .exclude(Exists(overlapping))
            .only("pk", "name", "user_id", "email", "mobile", "preferred_language")
        )
        open_to_all = frozenset() in requirements
        completed: dict[int, set[int]] = {}
        if not open_to_all:
            needed = set().union(*requirements)
            for trainee_id, course_id in Enrollment.objects.filter(
                status=Enrollment.Status.COMPLETED,
                session__course__in=needed,
                trainee__in=candidates.values("pk"),
            ).values_list("trainee", "session__course"):
                completed.setdefault(trainee_id, set()).add(course_id)
        context = {"round": round.name, "deadline": deadline, "positions": len(requirements)}
        occasion = f"round:{round.pk}:deadline:{deadline:%Y%m%d%H%M}"
        for trainee in candidates.iterator(chunk_size=5000):
            if open_to_all or any(req <= completed.get(trainee.pk, set()) for req in requirements):
                yield trainee, context, link, occasion


def hours_awaiting_approval(today: datetime.date):
    """One message a day to each supervisor and each coordinator with hour
    logs waiting for them: how many, how many hours, for how many trainees.
    Four queries."""
    pending = (
        HourLog.objects.filter(status=HourLog.Status.SUBMITTED, placement__status=Placement.Status.CONFIRMED)
        .values("placement__position_id", "placement__position__base_id", "placement__position__supervisor_id")
        .annotate(logs=Count("pk"), hours=Sum("hours"), trainees=Count("placement__trainee", distinct=True))
    )
    by_supervisor: dict[int, list] = {}
    by_base: dict[int, list] = {}
    for row in pending:
        if row["placement__position__supervisor_id"]:
            by_supervisor.setdefault(row["placement__position__supervisor_id"], []).append(row)
        by_base.setdefault(row["placement__position__base_id"], []).append(row)
    if not by_base:
        return
    coordinator_rows = PracticeBase.coordinators.through.objects.filter(practicebase_id__in=by_base).values_list(
        "practicebase_id", "user_id"
    )
    by_coordinator: dict[int, list] = {}
    for base_id, user_id in coordinator_rows:
        by_coordinator.setdefault(user_id, []).extend(by_base[base_id])
    link = reverse("placements:hour-logs")
    occasion = f"hours-awaiting:{today}"
    supervisors = Practitioner.objects.filter(pk__in=by_supervisor).only(
        "pk", "name", "user_id", "email", "mobile", "preferred_language"
    )
    told_users = set()
    for supervisor in supervisors:
        told_users.add(supervisor.user_id)
        yield supervisor, _digest(by_supervisor[supervisor.pk]), link, occasion
    for user in User.objects.filter(pk__in=by_coordinator, is_active=True):
        if user.pk in told_users:  # a supervisor who also coordinates gets one digest
            continue
        yield user, _digest(by_coordinator[user.pk]), link, occasion


def _digest(rows: list[dict]) -> dict:
    unique = {row["placement__position_id"]: row for row in rows}.values()
    return {
        "logs": sum(r["logs"] for r in unique),
        "hours": sum(r["hours"] for r in unique),
        "trainees": sum(r["trainees"] for r in unique),
    }


def evaluations_due(today: datetime.date):
    """The supervisor and the tutor of each confirmed placement whose
    internship ends within EVALUATION_NOTICE_DAYS (or has ended) and who have
    not given their final evaluation: once when it falls due, once more when
    a week overdue. One query."""
    final = Evaluation.objects.filter(placement=OuterRef("pk"), stage=Evaluation.Stage.FINAL)
    placements = (
        Placement.objects.filter(
            status=Placement.Status.CONFIRMED,
            round__internship_end__lte=today + datetime.timedelta(days=EVALUATION_NOTICE_DAYS),
        )
        .annotate(
            supervisor_done=Exists(final.filter(role=Evaluation.Role.SUPERVISOR)),
            tutor_done=Exists(final.filter(role=Evaluation.Role.TUTOR)),
        )
        .filter(Q(supervisor_done=False) | Q(tutor_done=False))
        .select_related("round", "trainee", "position__supervisor", "tutor")
    )
    for placement in placements.iterator(chunk_size=2000):
        end = placement.round.internship_end
        stage = "overdue" if today >= end + datetime.timedelta(days=7) else "due"
        context = {
            "trainee": placement.trainee.name,
            "position": placement.position.title,
            "round": placement.round.name,
            "end": end,
            "overdue": stage == "overdue",
        }
        link = reverse("placements:evaluate", args=[placement.pk])
        mentors = [(placement.position.supervisor, placement.supervisor_done, "supervisor")]
        mentors.append((placement.tutor, placement.tutor_done, "tutor"))
        for mentor, done, role in mentors:
            if mentor is not None and not done:
                yield mentor, context, link, f"evaluation:{placement.pk}:{role}:{stage}"
