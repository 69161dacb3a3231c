"""Training's notifications: enrolled, waitlisted, promoted from the
waitlist, session cancelled, session starts tomorrow (a reminder) and results.

The services call these inside their transaction; notify() writes the rows
and queues the sending for after the commit. Kinds and the reminder are
registered from TrainingConfig.ready().
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, register
from notifications.reminders import reminder
from notifications.services import Item, notify, notify_many
from training.models import CourseSession, Enrollment, Meeting

ENROLLED = "training.enrolled"
WAITLISTED = "training.waitlisted"
PROMOTED = "training.promoted"
SESSION_CANCELLED = "training.session_cancelled"
SESSION_TOMORROW = "training.session_tomorrow"
MEETING_TOMORROW = "training.meeting_tomorrow"
RESULTS = "training.results"


def register_kinds() -> None:
    for code, label in [
        (ENROLLED, _("Enrolled in a session")),
        (WAITLISTED, _("On a session's waitlist")),
        (PROMOTED, _("A seat became free: enrolled from the waitlist")),
        (SESSION_CANCELLED, _("Session cancelled")),
        (SESSION_TOMORROW, _("Session starts tomorrow")),
        (MEETING_TOMORROW, _("Class meeting tomorrow")),
        (RESULTS, _("Course results recorded")),
    ]:
        register(Kind(code=code, label=label, template=f"training/notifications/{code.split('.')[1]}"))
    reminder(SESSION_TOMORROW)(sessions_starting_tomorrow)
    reminder(MEETING_TOMORROW)(meetings_tomorrow)


def _session_context(session: CourseSession) -> dict:
    base = session.course.base
    return {
        "session": session,
        "course": session.course.title,
        "start_date": session.start_date,
        "end_date": session.end_date,
        "schedule": session.schedule,
        "location": session.location or base.address,
        "base": base.name,
    }


def enrolled(enrollment: Enrollment) -> None:
    """Enrolled, or put on the waitlist (with the place in the queue)."""
    session = enrollment.session
    context = _session_context(session)
    if enrollment.status == Enrollment.Status.WAITLISTED:
        context["position"] = (
            session.enrollments.waitlist().filter(waitlist_order__lte=enrollment.waitlist_order).count()
        )
        kind = WAITLISTED
    else:
        kind = ENROLLED
    notify(
        kind=kind,
        recipients=[enrollment.trainee],
        context=context,
        link=session.get_absolute_url(),
        occasion=f"enrollment:{enrollment.pk}",
    )


def promoted(enrollments: list[Enrollment], session: CourseSession) -> None:
    context = _session_context(session)
    link = session.get_absolute_url()
    notify_many(
        kind=PROMOTED,
        items=[Item(e.trainee, context, link, f"enrollment:{e.pk}") for e in enrollments],
    )


def session_cancelled(session: CourseSession, enrollments: list[Enrollment], reason: str = "") -> None:
    context = {**_session_context(session), "reason": reason}
    notify(
        kind=SESSION_CANCELLED,
        recipients=[e.trainee for e in enrollments],
        context=context,
        link=reverse("training:my-enrollments"),
        occasion=f"session:{session.pk}",
    )


def results(session: CourseSession, enrollments: list[Enrollment]) -> None:
    """Each finished enrolment: completed (hours credited) or not, with the recorded hours and score."""
    base = _session_context(session)
    link = reverse("training:my-enrollments")
    notify_many(
        kind=RESULTS,
        items=[
            Item(
                e.trainee,
                {
                    **base,
                    "completed": e.status == Enrollment.Status.COMPLETED,
                    "attended_hours": e.attended_hours,
                    "score": e.score,
                    "hours": session.course.hours,
                },
                link,
                f"enrollment:{e.pk}",
            )
            for e in enrollments
        ],
    )


def sessions_starting_tomorrow(today: datetime.date):
    """Everyone enrolled in a session that starts tomorrow, with the place and
    the time. One query, whatever the number of sessions and people."""
    tomorrow = today + datetime.timedelta(days=1)
    enrollments = (
        Enrollment.objects.filter(
            status=Enrollment.Status.ENROLLED,
            session__start_date=tomorrow,
            session__status__in=[CourseSession.Status.OPEN, CourseSession.Status.CLOSED],
        )
        .select_related("session__course__base", "trainee")
        .order_by("session_id", "pk")
    )
    contexts: dict[int, dict] = {}
    for enrollment in enrollments.iterator(chunk_size=2000):
        session = enrollment.session
        if session.pk not in contexts:  # shared by the session's people: rendered once per language
            contexts[session.pk] = _session_context(session)
        yield (
            enrollment.trainee,
            contexts[session.pk],
            session.get_absolute_url(),
            f"session:{session.pk}:{session.start_date}",
        )


def meetings_tomorrow(today: datetime.date):
    """Everyone enrolled in a session with a class meeting tomorrow that is not
    its first day (that one is "session starts tomorrow"), with the meeting's
    time, place and topic, and where to check in. Two queries, whatever the
    number of meetings and people."""
    tomorrow = today + datetime.timedelta(days=1)
    meetings = {
        meeting.session_id: meeting
        for meeting in Meeting.objects.filter(
            date=tomorrow,
            session__status__in=[CourseSession.Status.OPEN, CourseSession.Status.CLOSED],
        )
        .exclude(session__start_date=tomorrow)
        .select_related("session__course__base")
        .order_by("session_id", "-starts_at")  # a day's first meeting wins
    }
    enrollments = (
        Enrollment.objects.filter(status=Enrollment.Status.ENROLLED, session__in=list(meetings))
        .select_related("trainee")
        .order_by("session_id", "pk")
    )
    contexts: dict[int, dict] = {}
    for enrollment in enrollments.iterator(chunk_size=2000):
        meeting = meetings[enrollment.session_id]
        if meeting.pk not in contexts:
            contexts[meeting.pk] = _session_context(meeting.session) | {
                "meeting_date": meeting.date,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "meeting_place": meeting.place,
                "topic": meeting.topic,
            }
        yield (
            enrollment.trainee,
            contexts[meeting.pk],
            reverse("training:my-enrollments"),
            f"meeting:{meeting.pk}",
        )
