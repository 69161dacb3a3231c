"""The register read: the hours each attendance row gives, and the hours of
each enrolment summed over the session's meetings. Reads only, so that both
the results (training.services) and the marking (training.attendance) use it.

Present counts the meeting's hours; late or left early the minutes actually
there, rounded down to the quarter hour (never more than the meeting's
hours); absent, excused or not marked, nothing.
"""

from decimal import Decimal

from training.models import Attendance, CourseSession, Enrollment, Meeting

QUARTER = Decimal("0.25")
#: Whose attendance a meeting's register holds: those with a seat.
SEATED = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED, Enrollment.Status.FAILED)


def hours_at(attendance: Attendance | None, meeting: Meeting) -> Decimal:
    """The hours one attendance row gives (see the module's docstring)."""
    if attendance is None:
        return Decimal(0)
    status = attendance.status
    if status == Attendance.Status.PRESENT:
        return meeting.hours
    if status not in (Attendance.Status.LATE, Attendance.Status.LEFT_EARLY):
        return Decimal(0)
    start, end = meeting.start, meeting.end
    arrived = max(start, attendance.checked_in_at) if attendance.checked_in_at else start
    left = end
    if status == Attendance.Status.LEFT_EARLY and attendance.checked_out_at:
        left = min(end, attendance.checked_out_at)
    minutes = max(0, int((left - arrived).total_seconds()) // 60)
    return min(meeting.hours, Decimal(minutes // 15) * QUARTER)


def register_kept(session: CourseSession) -> bool:
    """Whether anyone's attendance has been taken at any meeting of the session."""
    return Attendance.objects.filter(meeting__session=session).exists()


def register_hours(session: CourseSession) -> dict[int, Decimal]:
    """Attended hours by trainee id, summed over the session's meetings (two queries)."""
    meetings = {meeting.pk: meeting for meeting in session.meetings.all()}
    hours: dict[int, Decimal] = {}
    for attendance in Attendance.objects.filter(meeting__in=list(meetings)):
        meeting = meetings[attendance.meeting_id]
        hours[attendance.trainee_id] = hours.get(attendance.trainee_id, Decimal(0)) + hours_at(attendance, meeting)
    return hours


def grid(session: CourseSession, enrollments) -> tuple[list[Meeting], list[tuple[Enrollment, list, Decimal]]]:
    """The register as a table: the meetings, and for each enrolment its
    attendance row per meeting (None where not marked) and its hours."""
    meetings = list(session.meetings.all())
    if not meetings:
        return [], [(enrollment, [], Decimal(0)) for enrollment in enrollments]
    by_key = {
        (a.meeting_id, a.trainee_id): a
        for a in Attendance.objects.filter(meeting__session=session).only(
            "meeting_id", "trainee_id", "status", "checked_in_at", "checked_out_at", "reason"
        )
    }
    rows = []
    for enrollment in enrollments:
        cells = [by_key.get((meeting.pk, enrollment.trainee_id)) for meeting in meetings]
        total = sum((hours_at(cell, meeting) for cell, meeting in zip(cells, meetings, strict=True)), Decimal(0))
        rows.append((enrollment, cells, total))
    return meetings, rows


def seated(session: CourseSession):
    """The enrolments a meeting's register and sign-in sheet list, in sheet order."""
    return session.enrollments.filter(status__in=SEATED).order_by("created_at", "pk")


def attendance_of(trainee, sessions) -> dict[int, list[tuple[Meeting, Attendance | None, Decimal]]]:
    """A trainee's own register, by session id: each meeting with their row and its hours (two queries)."""
    meetings = list(Meeting.objects.filter(session__in=sessions).order_by("date", "starts_at", "pk"))
    if not meetings:
        return {}
    rows = {a.meeting_id: a for a in Attendance.objects.filter(trainee=trainee, meeting__in=meetings)}
    by_session: dict[int, list] = {}
    for meeting in meetings:
        row = rows.get(meeting.pk)
        by_session.setdefault(meeting.session_id, []).append((meeting, row, hours_at(row, meeting)))
    return by_session
