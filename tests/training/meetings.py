"""What the attendance tests share: sessions with class meetings, and meetings happening now."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import CourseSessionFactory, EnrollmentFactory
from training.models import CourseSession, Enrollment, Meeting


def past_session(base, *, hours=Decimal("10"), days_ago=3, **fields) -> CourseSession:
    """A closed session that ran from `days_ago` days ago until yesterday."""
    today = timezone.localdate()
    fields.setdefault("status", CourseSession.Status.CLOSED)
    return CourseSessionFactory(
        course__base=base,
        course__hours=hours,
        start_date=today - datetime.timedelta(days=days_ago),
        end_date=today - datetime.timedelta(days=1),
        **fields,
    )


def meeting(session, *, day=None, start="09:00", end="12:00", hours="3", **fields) -> Meeting:
    return Meeting.objects.create(
        session=session,
        date=day or session.start_date,
        starts_at=datetime.time.fromisoformat(start),
        ends_at=datetime.time.fromisoformat(end),
        hours=Decimal(hours),
        **fields,
    )


def at(day: datetime.date, clock: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(clock)))


def seated(session, **fields) -> Enrollment:
    return EnrollmentFactory(session=session, status=Enrollment.Status.ENROLLED, **fields)


def session_now(base, **fields) -> CourseSession:
    today = timezone.localdate()
    return CourseSessionFactory(
        course__base=base,
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        **fields,
    )


def meeting_now(session, *, started_minutes_ago=10, lasts_minutes=60) -> Meeting:
    """A meeting of today that started a few minutes ago (a meeting cannot
    cross midnight: near it, the test cannot run and says so)."""
    now = timezone.localtime()
    start = now - datetime.timedelta(minutes=started_minutes_ago)
    end = now + datetime.timedelta(minutes=lasts_minutes)
    if start.date() != now.date() or end.date() != now.date():
        pytest.skip("a meeting happening now would cross midnight; run this test at another hour")
    return Meeting.objects.create(
        session=session,
        date=now.date(),
        starts_at=start.time().replace(microsecond=0),
        ends_at=end.time().replace(microsecond=0),
        hours=Decimal("1"),
        place="第一教学楼 201",
    )
