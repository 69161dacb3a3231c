"""Enrolment, waitlist, results and completion of course sessions.

Every change that touches a session's seats locks the session row first
(`select_for_update`) and re-reads the counts under the lock, so capacity holds
whatever happens concurrently. Locks are taken in one order: session, then the
enrolments inside it.

Nothing is recorded before it happened: results and finishing wait for the
session's last day, unless an administrator states why a session that has
started really ended early (audited; its end date then moves to that day).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from talent import services as talent_services
from talent.audit import record_event
from talent.models import LearningRecord, Practitioner, User
from training import notices, register
from training.models import QUALIFICATION_ORDER, Course, CourseSession, Enrollment

ATTENDANCE_TO_COMPLETE = Decimal("0.8")


class EnrollmentRefused(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _lock_session(session: CourseSession) -> CourseSession:
    return CourseSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)


def check_can_enroll(trainee: Practitioner, session: CourseSession, *, now=None) -> None:
    """Raise EnrollmentRefused with the reason `trainee` cannot enrol in `session`."""
    now = now or timezone.now()
    if session.status != CourseSession.Status.OPEN:
        raise EnrollmentRefused(_("This session is not open for enrolment."), code="not_open")
    if now < session.enrollment_opens:
        raise EnrollmentRefused(
            _("Enrolment opens on %(date)s.") % {"date": date_format(timezone.localtime(session.enrollment_opens))},
            code="not_yet_open",
        )
    if now > session.enrollment_closes:
        raise EnrollmentRefused(
            _("Enrolment closed on %(date)s.") % {"date": date_format(timezone.localtime(session.enrollment_closes))},
            code="closed",
        )
    course = session.course
    if QUALIFICATION_ORDER.index(trainee.qualification_level) < QUALIFICATION_ORDER.index(
        course.minimum_qualification_level
    ):
        raise EnrollmentRefused(
            _("This course is for practitioners qualified as %(level)s or above.")
            % {"level": course.get_minimum_qualification_level_display()},
            code="qualification",
        )
    completed = Enrollment.objects.filter(trainee=trainee, status=Enrollment.Status.COMPLETED)
    missing = course.prerequisites.exclude(pk__in=completed.values("session__course"))
    if missing:
        raise EnrollmentRefused(
            _("Complete these courses first: %(courses)s.") % {"courses": "、".join(c.title for c in missing)},
            code="prerequisites",
        )
    live = Enrollment.objects.live().filter(trainee=trainee).select_related("session__course")
    if live.filter(session=session).exists():
        raise EnrollmentRefused(_("You are already enrolled or on the waitlist."), code="already_enrolled")
    clash = (
        live.filter(session__start_date__lte=session.end_date, session__end_date__gte=session.start_date)
        .exclude(session__status__in=[CourseSession.Status.CANCELLED, CourseSession.Status.FINISHED])
        .first()
    )
    if clash:
        raise EnrollmentRefused(
            _("Its dates overlap with %(session)s, which you are already in.") % {"session": clash.session},
            code="date_clash",
        )


@transaction.atomic
def enroll(*, trainee: Practitioner, session: CourseSession) -> Enrollment:
    """Enrol `trainee`, or put them on the waitlist when the session is full."""
    session = _lock_session(session)
    # The trainee is locked after the session (the fixed order), so that two
    # enrolments of one person into overlapping sessions cannot both pass.
    Practitioner.objects.select_for_update().filter(pk=trainee.pk).first()
    check_can_enroll(trainee, session)
    enrolled = session.enrollments.filter(status=Enrollment.Status.ENROLLED).count()
    enrollment = Enrollment(session=session, trainee=trainee)
    if enrolled < session.capacity:
        enrollment.status = Enrollment.Status.ENROLLED
    else:
        enrollment.status = Enrollment.Status.WAITLISTED
        enrollment.waitlist_order = _next_waitlist_order(session)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise EnrollmentRefused(_("You are already enrolled or on the waitlist."), code="already_enrolled") from None
    notices.enrolled(enrollment)
    return enrollment


def _next_waitlist_order(session: CourseSession) -> int:
    highest = session.enrollments.aggregate(highest=Max("waitlist_order"))["highest"]
    return (highest or 0) + 1


def can_manage(user: User, session: CourseSession) -> bool:
    return CourseSession.objects.visible_to(user).filter(pk=session.pk).exists()


def _check_manager(by: User | None, session: CourseSession) -> None:
    # `by` is None for an import run from the command line without --user:
    # nobody is accountable for the results, so they are refused too.
    if by is None or not can_manage(by, session):
        raise EnrollmentRefused(
            _("Only the coordinators of this session's training base or an administrator can do this."),
            code="not_allowed",
        )


def has_ended(session: CourseSession, *, today=None) -> bool:
    """Whether results may be recorded: from the session's last day on (an
    examination on the last afternoon is marked that evening)."""
    return (today or timezone.localdate()) >= session.end_date


def check_has_ended(session: CourseSession, *, today=None) -> None:
    """Raise EnrollmentRefused (code `before_end`) before the session's last day."""
    if not has_ended(session, today=today):
        raise EnrollmentRefused(
            _("The session runs until %(date)s: results can be entered and the session finished from that day.")
            % {"date": date_format(session.end_date)},
            code="before_end",
        )


def _check_ended_or_end_early(session: CourseSession, *, by: User, ended_early: bool, reason: str, event: str) -> None:
    """Let the call go ahead once the session has reached its end date. Before
    that, only an administrator may, for a session that has started and really
    ended early, with a reason: its end date moves to today, so that no
    completion can precede the end of the training, and the override is put on
    record. The caller holds the session lock."""
    today = timezone.localdate()
    if has_ended(session, today=today):
        return
    if not ended_early:
        check_has_ended(session, today=today)
    if not by.is_administrator:
        raise EnrollmentRefused(
            _("Only an administrator can record a session as ended before its end date (%(date)s).")
            % {"date": date_format(session.end_date)},
            code="early_not_allowed",
        )
    if not session.has_started(today):
        raise EnrollmentRefused(
            _("The session starts on %(date)s; it cannot have ended before it started.")
            % {"date": date_format(session.start_date)},
            code="not_started",
        )
    reason = reason.strip()
    if not reason:
        raise EnrollmentRefused(_("Give the reason the session ended before its end date."), code="reason_required")
    session.end_date = today
    session.save(update_fields=["end_date"])
    record_event(session, event=event, actor=by, reason=reason)


@transaction.atomic
def cancel(*, enrollment: Enrollment, by: User) -> Enrollment:
    """Cancel an enrolment. Trainees may cancel their own until the session
    starts; coordinators of the session's base at any time. A freed seat goes
    to the first person on the waitlist."""
    session = _lock_session(enrollment.session)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("trainee").get(pk=enrollment.pk)
    manager = can_manage(by, session)
    if not manager and enrollment.trainee.user_id != by.pk:
        raise EnrollmentRefused(_("You cannot cancel this enrolment."), code="not_allowed")
    if not enrollment.is_live:
        raise EnrollmentRefused(_("This enrolment is no longer active."), code="not_live")
    if not manager and session.has_started():
        raise EnrollmentRefused(
            _("The session has started; ask the coordinator of the training base to cancel."), code="started"
        )
    freed_seat = enrollment.status == Enrollment.Status.ENROLLED
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.waitlist_order = None
    enrollment.cancelled_at = timezone.now()
    enrollment.save(update_fields=["status", "waitlist_order", "cancelled_at", "updated_at"])
    if freed_seat:
        _fill_seats(session)
    return enrollment


@transaction.atomic
def change_capacity(*, session: CourseSession, capacity: int, by: User | None) -> CourseSession:
    session = _lock_session(session)
    _check_manager(by, session)
    enrolled = session.enrollments.filter(status=Enrollment.Status.ENROLLED).count()
    if capacity < enrolled:
        raise EnrollmentRefused(
            _("%(enrolled)d people are enrolled; cancel some before lowering the capacity to %(capacity)d.")
            % {"enrolled": enrolled, "capacity": capacity},
            code="capacity_below_enrolled",
        )
    session.capacity = capacity
    session.save(update_fields=["capacity"])
    _fill_seats(session)
    return session


def _fill_seats(session: CourseSession) -> list[Enrollment]:
    """Promote from the waitlist, in order, while seats are free. The caller holds the session lock."""
    if session.status not in (CourseSession.Status.OPEN, CourseSession.Status.CLOSED):
        return []
    free = session.capacity - session.enrollments.filter(status=Enrollment.Status.ENROLLED).count()
    if free <= 0:
        return []
    promoted = list(
        session.enrollments.waitlist().select_for_update(of=("self",)).select_related("trainee__user")[:free]
    )
    for enrollment in promoted:
        enrollment.status = Enrollment.Status.ENROLLED
        enrollment.waitlist_order = None
        enrollment.save(update_fields=["status", "waitlist_order", "updated_at"])
    notices.promoted(promoted, session)
    return promoted


@transaction.atomic
def move_up(*, enrollment: Enrollment, by: User | None) -> None:
    """Swap a waitlisted person with the one just ahead of them."""
    session = _lock_session(enrollment.session)
    _check_manager(by, session)
    waitlist = list(session.enrollments.waitlist().select_for_update())
    index = next((i for i, e in enumerate(waitlist) if e.pk == enrollment.pk), None)
    if index is None:
        raise EnrollmentRefused(_("This person is not on the waitlist."), code="not_waitlisted")
    if index == 0:
        return
    ahead, this = waitlist[index - 1], waitlist[index]
    ahead.waitlist_order, this.waitlist_order = this.waitlist_order, ahead.waitlist_order
    if ahead.waitlist_order == this.waitlist_order:  # equal orders: separate them
        this.waitlist_order -= 1
    # Saved one by one (not bulk_update) so that the audit log records them.
    for enrollment in (ahead, this):
        enrollment.save(update_fields=["waitlist_order"])


@dataclass(frozen=True)
class Result:
    attended_hours: Decimal | None
    score: Decimal | None = None
    note: str = ""
    #: Why the attended hours differ from what the register gives (audited).
    override_reason: str = ""


@transaction.atomic
def record_results(
    *,
    session: CourseSession,
    results: dict[int, Result],
    by: User | None,
    ended_early: bool = False,
    reason: str = "",
) -> int:
    """Record attended hours and scores, keyed by enrolment id, once the
    session has reached its end date (see `_check_ended_or_end_early` for an
    administrator's override). Returns how many rows changed.

    Where the session's register is kept, attended hours that differ from
    what it gives (and from what was recorded before) need a reason, which
    goes into the audit log."""
    session = _lock_session(session)
    _check_manager(by, session)
    if session.status in (CourseSession.Status.FINISHED, CourseSession.Status.CANCELLED):
        raise EnrollmentRefused(_("Results of a finished session cannot be changed."), code="finished")
    _check_ended_or_end_early(session, by=by, ended_early=ended_early, reason=reason, event="results_early")
    course_hours = session.course.hours
    enrollments = session.enrollments.filter(pk__in=results, status=Enrollment.Status.ENROLLED).select_for_update()
    from_register = register.register_hours(session) if register.register_kept(session) else None
    changed, overrides = [], []
    for enrollment in enrollments:
        result = results[enrollment.pk]
        if result.attended_hours is not None and not 0 <= result.attended_hours <= course_hours:
            raise EnrollmentRefused(
                _("%(name)s: attended hours must be between 0 and %(hours)s.")
                % {"name": enrollment.trainee.name, "hours": course_hours},
                code="hours_out_of_range",
            )
        if result.score is not None and not 0 <= result.score <= 100:
            raise EnrollmentRefused(
                _("%(name)s: the score must be between 0 and 100.") % {"name": enrollment.trainee.name},
                code="score_out_of_range",
            )
        if from_register is not None and result.attended_hours is not None:
            registered = from_register.get(enrollment.trainee_id, Decimal(0))
            if result.attended_hours not in (registered, enrollment.attended_hours):
                if not result.override_reason.strip():
                    raise EnrollmentRefused(
                        _("%(name)s: the register gives %(register)s hours; give the reason for entering %(hours)s.")
                        % {
                            "name": enrollment.trainee.name,
                            "register": _hours_text(registered),
                            "hours": _hours_text(result.attended_hours),
                        },
                        code="override_reason_required",
                    )
                overrides.append((enrollment, registered, result))
        enrollment.attended_hours = result.attended_hours
        enrollment.score = result.score
        enrollment.result_note = result.note
        changed.append(enrollment)
    # Saved one by one (not bulk_update) so that the audit log records each result.
    for enrollment in changed:
        enrollment.save(update_fields=["attended_hours", "score", "result_note"])
    for enrollment, registered, result in overrides:
        record_event(
            enrollment,
            event="attendance_override",
            actor=by,
            reason=result.override_reason.strip(),
            data={"register_hours": _hours_text(registered), "attended_hours": _hours_text(result.attended_hours)},
        )
    return len(changed)


def _hours_text(hours: Decimal) -> str:
    """5.00 as 5, 7.50 as 7.5."""
    return f"{hours.normalize():f}"


def passes(enrollment: Enrollment, course: Course) -> bool:
    attended = enrollment.attended_hours or Decimal(0)
    if attended < course.hours * ATTENDANCE_TO_COMPLETE:
        return False
    return course.pass_mark is None or (enrollment.score is not None and enrollment.score >= course.pass_mark)


@dataclass(frozen=True)
class FinishSummary:
    completed: int
    failed: int
    already_finished: bool = False


@transaction.atomic
def finish_session(
    *, session: CourseSession, by: User | None, ended_early: bool = False, reason: str = ""
) -> FinishSummary:
    """Close a session, from its end date on (see `_check_ended_or_end_early`
    for an administrator's override): each enrolled person completes (≥80%
    attendance and, where the course has one, the pass mark) or fails;
    completions credit the course hours to the continuing-education ledger.
    Finishing twice changes nothing."""
    session = _lock_session(session)
    _check_manager(by, session)
    if session.status == CourseSession.Status.FINISHED:
        counts = session.enrollments.filter(status__in=[Enrollment.Status.COMPLETED, Enrollment.Status.FAILED])
        return FinishSummary(
            completed=counts.filter(status=Enrollment.Status.COMPLETED).count(),
            failed=counts.filter(status=Enrollment.Status.FAILED).count(),
            already_finished=True,
        )
    if session.status in (CourseSession.Status.DRAFT, CourseSession.Status.CANCELLED):
        raise EnrollmentRefused(_("Only an open or closed session can be finished."), code="cannot_finish")
    _check_ended_or_end_early(session, by=by, ended_early=ended_early, reason=reason, event="finish_early")
    course = session.course
    now = timezone.now()
    completed = failed = 0
    finished = []
    # Hours nobody entered come from the register, where it is kept.
    from_register = register.register_hours(session) if register.register_kept(session) else None
    for enrollment in session.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related("trainee"):
        enrollment.finished_at = now
        finished.append(enrollment)
        if enrollment.attended_hours is None and from_register is not None:
            enrollment.attended_hours = from_register.get(enrollment.trainee_id, Decimal(0))
        if passes(enrollment, course):
            enrollment.status = Enrollment.Status.COMPLETED
            completed += 1
            talent_services.credit_hours(
                practitioner=enrollment.trainee,
                hours=course.hours,
                date=session.end_date,
                title=str(session),
                source=LearningRecord.Source.COURSE,
                source_key=f"training.enrollment:{enrollment.pk}",
            )
        else:
            enrollment.status = Enrollment.Status.FAILED
            failed += 1
        enrollment.save(update_fields=["status", "finished_at", "attended_hours", "updated_at"])
    # Nobody is waiting for a seat in a finished session any more. Saved one by
    # one (not update()) so that the audit log records each cancellation.
    for enrollment in session.enrollments.filter(status=Enrollment.Status.WAITLISTED):
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.waitlist_order = None
        enrollment.cancelled_at = now
        enrollment.result_note = _("Session finished")
        enrollment.save(update_fields=["status", "waitlist_order", "cancelled_at", "result_note"])
    session.status = CourseSession.Status.FINISHED
    session.save(update_fields=["status"])
    notices.results(session, finished)
    return FinishSummary(completed=completed, failed=failed)


@transaction.atomic
def check_cancellable(*, session: CourseSession, by: User | None) -> None:
    """Raise EnrollmentRefused unless `by` may cancel `session` now."""
    _check_manager(by, session)
    if session.status in (CourseSession.Status.FINISHED, CourseSession.Status.CANCELLED):
        raise EnrollmentRefused(_("Only a session that has not finished can be cancelled."), code="cannot_cancel")


def cancel_session(*, session: CourseSession, by: User | None, reason: str = "") -> int:
    """Cancel a session that has not finished: every live enrolment is
    cancelled and its trainee told why. Returns how many people were enrolled
    or waiting."""
    session = _lock_session(session)
    check_cancellable(session=session, by=by)
    now = timezone.now()
    live = list(session.enrollments.live().select_for_update(of=("self",)).select_related("trainee"))
    # Saved one by one (not update()) so that the audit log records each cancellation.
    for enrollment in live:
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.waitlist_order = None
        enrollment.cancelled_at = now
        enrollment.result_note = _("Session cancelled")
        enrollment.save(update_fields=["status", "waitlist_order", "cancelled_at", "result_note", "updated_at"])
    session.status = CourseSession.Status.CANCELLED
    session.save(update_fields=["status"])
    record_event(session, event="session_cancelled", actor=by, reason=reason.strip())
    notices.session_cancelled(session, live, reason.strip())
    return len(live)
