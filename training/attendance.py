"""Class meetings and their register: proposing and editing a session's
meetings, marking attendance (by the coordinator, by QR code, by a sign-in
sheet), and the attended hours the register gives each enrolment.

The hours the register gives are worked out in training.register.

Locks: marking takes the meeting's session row first (as every service of
training does), then the attendance rows; a QR check-in touches only the
trainee's own attendance row, so 300 people checking in at once do not queue
behind one lock.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from talent.models import User
from training import checkin
from training.models import Attendance, CourseSession, Enrollment, Meeting
from training.register import SEATED, seated
from training.services import EnrollmentRefused, can_manage

DEFAULT_START = datetime.time(9, 0)
LUNCH = datetime.timedelta(hours=1)


class AttendanceRefused(EnrollmentRefused):
    """A refusal about attendance, with a code (as EnrollmentRefused)."""


# --- Meetings ------------------------------------------------------------------


def propose_meetings(session: CourseSession) -> list[Meeting]:
    """Unsaved meetings, one a day from the session's first to its last day,
    sharing the course's hours (in half hours; the last day takes the rest),
    from 9:00 with an hour's lunch break on days longer than four hours."""
    length_in_days = (session.end_date - session.start_date).days + 1
    days = [session.start_date + datetime.timedelta(days=n) for n in range(length_in_days)]
    total = Decimal(str(session.course.hours))
    each = (total / len(days) * 2).quantize(Decimal(1), rounding=ROUND_DOWN) / 2
    if each <= 0:
        days, each = days[:1], total
    meetings = []
    for index, day in enumerate(days):
        hours = each if index < len(days) - 1 else total - each * (len(days) - 1)
        length = datetime.timedelta(hours=float(hours)) + (LUNCH if hours > 4 else datetime.timedelta())
        start = datetime.datetime.combine(day, DEFAULT_START)
        end = min(start + length, datetime.datetime.combine(day, datetime.time(23, 59)))
        meetings.append(
            Meeting(
                session=session,
                date=day,
                starts_at=start.time(),
                ends_at=end.time(),
                hours=hours,
                place=session.location[:200],
            )
        )
    return meetings


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as the editor submits it: `pk` None for a new one."""

    pk: int | None
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    hours: Decimal
    place: str = ""
    topic: str = ""
    delete: bool = False


def _lock_session(session: CourseSession) -> CourseSession:
    return CourseSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)


def _check_manager(by: User | None, session: CourseSession) -> None:
    if by is None or not can_manage(by, session):
        raise AttendanceRefused(
            _("Only the coordinators of this session's training base or an administrator can do this."),
            code="not_allowed",
        )


def _check_register_open(session: CourseSession) -> None:
    if session.status in (CourseSession.Status.FINISHED, CourseSession.Status.CANCELLED):
        raise AttendanceRefused(
            _("The session is %(status)s: its meetings and register can no longer change.")
            % {"status": session.get_status_display().lower()},
            code="finished",
        )


@transaction.atomic
def save_meetings(*, session: CourseSession, rows: list[MeetingRow], by: User | None) -> list[Meeting]:
    """Replace the session's meetings by `rows`, whose hours must add up to
    the course's. A meeting that has attendance cannot be removed."""
    session = _lock_session(session)
    _check_manager(by, session)
    _check_register_open(session)
    existing = {meeting.pk: meeting for meeting in session.meetings.select_for_update()}
    kept = [row for row in rows if not row.delete]
    total = sum((row.hours for row in kept), Decimal(0))
    if total != session.course.hours:
        raise AttendanceRefused(
            _("The meetings add up to %(total)s hours, but the course has %(hours)s hours.")
            % {"total": _hours(total), "hours": _hours(session.course.hours)},
            code="hours_mismatch",
        )
    for row in kept:
        if not session.start_date <= row.date <= session.end_date:
            raise AttendanceRefused(
                _("Meetings are held between the session's first and last day (%(start)s – %(end)s).")
                % {"start": date_format(session.start_date), "end": date_format(session.end_date)},
                code="outside_session",
            )
        if row.ends_at <= row.starts_at:
            raise AttendanceRefused(_("A meeting ends after it starts."), code="times_out_of_order")
    removed = [row.pk for row in rows if row.delete and row.pk in existing]
    if removed and Attendance.objects.filter(meeting__in=removed).exists():
        raise AttendanceRefused(
            _("A meeting whose attendance has been taken cannot be removed; change its date or times instead."),
            code="has_attendance",
        )
    Meeting.objects.filter(pk__in=removed).delete()
    saved = []
    fields = ("date", "starts_at", "ends_at", "hours", "place", "topic")
    for row in kept:
        meeting = existing.get(row.pk) or Meeting(session=session)
        for field in fields:
            setattr(meeting, field, getattr(row, field))
        meeting.save()
        saved.append(meeting)
    return saved


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- Marking by the coordinator and by import --------------------------------------


@dataclass(frozen=True)
class Mark:
    status: str
    arrived: datetime.time | None = None
    left: datetime.time | None = None
    reason: str = ""


def _at(meeting: Meeting, moment: datetime.time | None) -> datetime.datetime | None:
    if moment is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(meeting.date, moment))


def _check_mark(meeting: Meeting, mark: Mark, name: str, now: datetime.datetime) -> None:
    def refuse(message, code):
        raise AttendanceRefused(f"{name}: {message}", code=code)

    if mark.status not in Attendance.Status.values:
        refuse(_("choose how they attended."), "status")
    if mark.status == Attendance.Status.EXCUSED and not mark.reason.strip():
        refuse(_("give the reason for the absence."), "reason_required")
    if mark.status != Attendance.Status.EXCUSED and now < meeting.start - checkin.OPENS_BEFORE:
        refuse(
            _("the meeting starts at %(time)s on %(date)s; only an excused absence can be recorded before it.")
            % {"time": time_format(meeting.starts_at), "date": date_format(meeting.date)},
            "not_started",
        )
    within = (meeting.starts_at, meeting.ends_at)
    if mark.status == Attendance.Status.LATE and (mark.arrived is None or not within[0] < mark.arrived < within[1]):
        refuse(_("give the time they arrived, during the meeting."), "arrived_required")
    if mark.status == Attendance.Status.LEFT_EARLY:
        if mark.left is None or not within[0] < mark.left < within[1]:
            refuse(_("give the time they left, during the meeting."), "left_required")
        if mark.arrived is not None and mark.arrived >= mark.left:
            refuse(_("they cannot leave before they arrived."), "left_before_arrived")


@transaction.atomic
def mark(
    *,
    meeting: Meeting,
    marks: dict[int, Mark],
    by: User | None,
    method: str = Attendance.Method.COORDINATOR,
    now: datetime.datetime | None = None,
) -> int:
    """Record attendance at `meeting`, keyed by trainee id, for people with a
    seat in the session. Returns how many rows changed. Each row is saved on
    its own so that the audit log records every change."""
    now = now or timezone.now()
    session = _lock_session(meeting.session)
    _check_manager(by, session)
    _check_register_open(session)
    meeting = Meeting.objects.get(pk=meeting.pk, session=session)
    seated_ids = dict(
        seated(session).filter(trainee__in=list(marks)).values_list("trainee_id", "trainee__name").distinct()
    )
    existing = {a.trainee_id: a for a in meeting.attendances.select_for_update().filter(trainee__in=list(marks))}
    changed = 0
    for trainee_id, given in marks.items():
        if trainee_id not in seated_ids:
            raise AttendanceRefused(_("This person has no seat in the session."), code="not_enrolled")
        _check_mark(meeting, given, seated_ids[trainee_id], now)
        attendance = existing.get(trainee_id) or Attendance(meeting=meeting, trainee_id=trainee_id)
        values = {
            "status": given.status,
            "reason": given.reason.strip() if given.status == Attendance.Status.EXCUSED else "",
            "checked_in_at": _at(meeting, given.arrived) if given.arrived else attendance.checked_in_at,
            "checked_out_at": _at(meeting, given.left) if given.left else attendance.checked_out_at,
        }
        if given.status in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED):
            values["checked_in_at"] = values["checked_out_at"] = None
        if attendance.pk and all(getattr(attendance, key) == value for key, value in values.items()):
            continue
        for key, value in values.items():
            setattr(attendance, key, value)
        attendance.method = method
        attendance.recorded_by = by
        attendance.save()
        changed += 1
    return changed


@transaction.atomic
def mark_rest_present(*, meeting: Meeting, by: User | None, now: datetime.datetime | None = None) -> int:
    """Everyone with a seat and no mark yet is present."""
    now = now or timezone.now()
    session = _lock_session(meeting.session)
    unmarked = seated(session).exclude(trainee__attendances__meeting=meeting).values_list("trainee_id", flat=True)
    return mark(meeting=meeting, marks={pk: Mark(Attendance.Status.PRESENT) for pk in unmarked}, by=by, now=now)


# --- QR check-in ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    meeting: Meeting
    mode: str
    again: bool  # scanned before: nothing changed

    @property
    def at(self) -> datetime.datetime:
        return self.attendance.checked_in_at if self.mode == "in" else self.attendance.checked_out_at


REFUSALS = {
    "invalid": lambda: _("This code is not a check-in code of this site. Scan the code on the screen again."),
    "expired": lambda: _("This code has expired: codes change every 20 seconds. Scan the code on the screen again."),
}


def window(meeting: Meeting, mode: str) -> tuple[datetime.datetime, datetime.datetime]:
    """When check-in (30 minutes before the start to the end) or check-out
    (30 minutes before the end to the end) is open."""
    opens = (meeting.start if mode == "in" else meeting.end) - checkin.OPENS_BEFORE
    return opens, meeting.end


def check_window(meeting: Meeting, mode: str, now: datetime.datetime) -> None:
    opens, closes = window(meeting, mode)
    local = timezone.localtime(opens)
    if now < opens:
        message = (
            _("Check-in opens at %(time)s on %(date)s.")
            if mode == "in"
            else _("Check-out opens at %(time)s on %(date)s.")
        )
        raise AttendanceRefused(
            message % {"time": time_format(local.time()), "date": date_format(local.date())}, code="not_open_yet"
        )
    if now > closes:
        message = _("Check-in has closed: the meeting is over.") if mode == "in" else _("Check-out has closed.")
        raise AttendanceRefused(message, code="closed")


def check_in(
    *,
    token: str,
    user: User,
    now: datetime.datetime | None = None,
    scanned_at: datetime.datetime | None = None,
) -> CheckIn:
    """Check the signed-in `user` in (or out) of the meeting the token names.
    `scanned_at` is when the code was scanned, if earlier than now (the
    person was sent to sign in first). Scanning again changes nothing."""
    now = now or timezone.now()
    try:
        token_ = checkin.read_token(token, scanned_at or now)
    except checkin.BadToken as bad:
        raise AttendanceRefused(REFUSALS[bad.code](), code=bad.code) from None
    meeting = Meeting.objects.select_related("session__course").filter(pk=token_.meeting_id).first()
    if meeting is None:
        raise AttendanceRefused(REFUSALS["invalid"](), code="invalid")
    check_window(meeting, token_.mode, now)
    _check_register_open(meeting.session)
    enrollment = _enrollment_of(user, meeting)
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(meeting=meeting, trainee=enrollment.trainee).first()
        if attendance is None:
            attendance = _first_attendance(meeting, enrollment, token_.mode, now)
            if attendance is not None:
                return CheckIn(attendance, meeting, token_.mode, again=False)
            attendance = Attendance.objects.select_for_update().get(meeting=meeting, trainee=enrollment.trainee)
        return _scan_again(attendance, meeting, token_.mode, now)


def _enrollment_of(user: User, meeting: Meeting) -> Enrollment:
    enrollments = list(
        Enrollment.objects.filter(session_id=meeting.session_id, trainee__user=user)
        .select_related("trainee")
        .order_by("-pk")
    )
    statuses = {enrollment.status: enrollment for enrollment in enrollments}
    for status in SEATED:
        if status in statuses:
            return statuses[status]
    if Enrollment.Status.WAITLISTED in statuses:
        raise AttendanceRefused(
            _("You are on the waitlist of this session, not enrolled: there is no seat for you at this meeting."),
            code="waitlisted",
        )
    if Enrollment.Status.CANCELLED in statuses:
        raise AttendanceRefused(_("Your enrolment in this session was cancelled."), code="cancelled")
    raise AttendanceRefused(
        _("You are not enrolled in %(session)s, the session of this code.") % {"session": meeting.session.course.title},
        code="not_enrolled",
    )


def _first_attendance(meeting, enrollment, mode, now) -> Attendance | None:
    """The trainee's first scan at this meeting; None when a scan at the same
    moment (a double tap) created the row first."""
    status = Attendance.Status.PRESENT if now <= meeting.start else Attendance.Status.LATE
    attendance = Attendance(
        meeting=meeting, trainee=enrollment.trainee, status=status, method=Attendance.Method.QR, recorded_by=None
    )
    if mode == "in":
        attendance.checked_in_at = now
    else:  # checking out without having checked in: there, from the start
        attendance.status = Attendance.Status.PRESENT
        attendance.checked_out_at = now
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        return None
    return attendance


def _scan_again(attendance: Attendance, meeting: Meeting, mode: str, now) -> CheckIn:
    field = "checked_in_at" if mode == "in" else "checked_out_at"
    if getattr(attendance, field) is not None:
        return CheckIn(attendance, meeting, mode, again=True)
    setattr(attendance, field, now)
    if mode == "in":
        # Marked absent or excused beforehand, and came after all.
        attendance.status = Attendance.Status.PRESENT if now <= meeting.start else Attendance.Status.LATE
        attendance.reason = ""
    elif attendance.status in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED):
        attendance.status = Attendance.Status.PRESENT
        attendance.reason = ""
    attendance.method = Attendance.Method.QR
    attendance.save()
    return CheckIn(attendance, meeting, mode, again=False)


def live_counts(meeting: Meeting, mode: str) -> tuple[int, int, list[str]]:
    """For the check-in screen: how many have scanned, of how many, and who is missing."""
    field = "checked_in_at" if mode == "in" else "checked_out_at"
    done = set(meeting.attendances.filter(**{f"{field}__isnull": False}).values_list("trainee_id", flat=True))
    people = list(
        seated(meeting.session).filter(status=Enrollment.Status.ENROLLED).values_list("trainee_id", "trainee__name")
    )
    missing = sorted(name for pk, name in people if pk not in done)
    return len(people) - len(missing), len(people), missing
