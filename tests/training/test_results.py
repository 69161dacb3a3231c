import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from talent.models import LearningRecord
from tests.factories import CourseSessionFactory, EnrollmentFactory
from training import services
from training.models import CourseSession, Enrollment
from training.services import Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(training_base_a):
    return ended_session(course__base=training_base_a, course__hours=Decimal("10"), course__title="个案工作")


def ended_session(**fields) -> CourseSession:
    """A closed session that ran this week and ended yesterday: its results are due."""
    fields.setdefault("status", CourseSession.Status.CLOSED)
    return CourseSessionFactory(start_date=timezone.localdate() - datetime.timedelta(days=3), **fields)


def seated(session, **fields) -> Enrollment:
    return EnrollmentFactory(session=session, status=Enrollment.Status.ENROLLED, **fields)


def status_of(enrollment: Enrollment) -> str:
    return Enrollment.objects.get(pk=enrollment.pk).status


@pytest.mark.parametrize(
    ("attended", "status"),
    [
        ("10", Enrollment.Status.COMPLETED),
        ("8", Enrollment.Status.COMPLETED),
        ("7.9", Enrollment.Status.FAILED),
        ("0", Enrollment.Status.FAILED),
    ],
)
def test_eighty_percent_attendance_completes(session, attended, status, coordinator_a):
    enrollment = seated(session)
    services.record_results(
        session=session, by=coordinator_a, results={enrollment.pk: Result(attended_hours=Decimal(attended))}
    )
    services.finish_session(session=session, by=coordinator_a)
    assert status_of(enrollment) == status


def test_no_recorded_attendance_fails(session, coordinator_a):
    enrollment = seated(session)
    summary = services.finish_session(session=session, by=coordinator_a)
    assert status_of(enrollment) == Enrollment.Status.FAILED
    assert (summary.completed, summary.failed) == (0, 1)


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (Decimal("59.9"), Enrollment.Status.FAILED),
        (None, Enrollment.Status.FAILED),
        (Decimal("60"), Enrollment.Status.COMPLETED),
    ],
)
def test_with_a_pass_mark_the_score_decides_even_with_full_attendance(session, score, status, coordinator_a):
    session.course.pass_mark = Decimal("60")
    session.course.save()
    enrollment = seated(session)
    services.record_results(
        session=session, by=coordinator_a, results={enrollment.pk: Result(attended_hours=Decimal("10"), score=score)}
    )
    services.finish_session(session=session, by=coordinator_a)
    assert status_of(enrollment) == status


def test_recorded_results_are_stored(session, coordinator_a):
    enrollment = seated(session)
    changed = services.record_results(
        session=session,
        by=coordinator_a,
        results={enrollment.pk: Result(attended_hours=Decimal("9.5"), score=Decimal("88"), note="优")},
    )
    enrollment.refresh_from_db()
    assert changed == 1
    assert (enrollment.attended_hours, enrollment.score, enrollment.result_note) == (
        Decimal("9.5"),
        Decimal("88"),
        "优",
    )


def test_results_for_people_not_enrolled_in_the_session_are_ignored(session, coordinator_a):
    waiting = EnrollmentFactory(session=session, status=Enrollment.Status.WAITLISTED, waitlist_order=1)
    elsewhere = EnrollmentFactory(status=Enrollment.Status.ENROLLED)
    changed = services.record_results(
        session=session,
        by=coordinator_a,
        results={waiting.pk: Result(Decimal("10")), elsewhere.pk: Result(Decimal("10"))},
    )
    assert changed == 0
    assert Enrollment.objects.filter(attended_hours__isnull=False).count() == 0


def test_completion_credits_the_course_hours_to_the_ledger(session, coordinator_a):
    passed, failed = seated(session), seated(session)
    services.record_results(
        session=session,
        by=coordinator_a,
        results={passed.pk: Result(attended_hours=Decimal("9")), failed.pk: Result(attended_hours=Decimal("2"))},
    )

    summary = services.finish_session(session=session, by=coordinator_a)

    assert (summary.completed, summary.failed, summary.already_finished) == (1, 1, False)
    record = LearningRecord.objects.get()
    assert record.practitioner == passed.trainee
    assert record.source == LearningRecord.Source.COURSE
    assert record.hours == Decimal("10")
    assert record.date == session.end_date
    assert "个案工作" in record.title
    assert Enrollment.objects.get(pk=passed.pk).finished_at is not None


def test_finishing_twice_credits_once(session, coordinator_a):
    enrollment = seated(session)
    services.record_results(
        session=session, by=coordinator_a, results={enrollment.pk: Result(attended_hours=Decimal("10"))}
    )
    services.finish_session(session=session, by=coordinator_a)

    again = services.finish_session(session=session, by=coordinator_a)

    assert again.already_finished is True
    assert (again.completed, again.failed) == (1, 0)
    assert LearningRecord.objects.filter(practitioner=enrollment.trainee).count() == 1
    assert CourseSession.objects.get(pk=session.pk).status == CourseSession.Status.FINISHED


def test_finishing_cancels_the_waitlist(session, coordinator_a):
    enrollment = seated(session)
    waiting = EnrollmentFactory(session=session, status=Enrollment.Status.WAITLISTED, waitlist_order=1)
    services.finish_session(session=session, by=coordinator_a)
    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.CANCELLED
    assert waiting.waitlist_order is None
    assert waiting.cancelled_at is not None
    assert status_of(enrollment) == Enrollment.Status.FAILED


def test_finishing_leaves_earlier_cancellations_alone(session, coordinator_a):
    cancelled = EnrollmentFactory(session=session, status=Enrollment.Status.CANCELLED)
    services.finish_session(session=session, by=coordinator_a)
    cancelled.refresh_from_db()
    assert cancelled.status == Enrollment.Status.CANCELLED
    assert cancelled.finished_at is None


@pytest.mark.parametrize("status", [CourseSession.Status.DRAFT, CourseSession.Status.CANCELLED])
def test_only_open_or_closed_sessions_can_be_finished(status, coordinator_a, training_base_a):
    session = ended_session(course__base=training_base_a, status=status)
    enrollment = seated(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.finish_session(session=session, by=coordinator_a)
    assert refused.value.code == "cannot_finish"
    assert status_of(enrollment) == Enrollment.Status.ENROLLED


def test_open_session_can_be_finished(coordinator_a, training_base_a):
    session = ended_session(course__base=training_base_a, status=CourseSession.Status.OPEN)
    assert services.finish_session(session=session, by=coordinator_a).already_finished is False
    assert CourseSession.objects.get(pk=session.pk).status == CourseSession.Status.FINISHED


@pytest.mark.parametrize("hours", ["-0.5", "10.5"])
def test_hours_outside_the_course_are_refused_and_nothing_is_written(session, hours, coordinator_a):
    valid, invalid = seated(session), seated(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.record_results(
            session=session,
            by=coordinator_a,
            results={
                valid.pk: Result(attended_hours=Decimal("8"), score=Decimal("90")),
                invalid.pk: Result(attended_hours=Decimal(hours)),
            },
        )
    assert refused.value.code == "hours_out_of_range"
    assert invalid.trainee.name in refused.value.message
    assert Enrollment.objects.filter(session=session).exclude(attended_hours=None).count() == 0
    assert Enrollment.objects.filter(session=session).exclude(score=None).count() == 0


@pytest.mark.parametrize("score", ["-1", "100.5"])
def test_scores_outside_0_to_100_are_refused(session, score, coordinator_a):
    enrollment = seated(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.record_results(
            session=session,
            by=coordinator_a,
            results={enrollment.pk: Result(attended_hours=Decimal("8"), score=Decimal(score))},
        )
    assert refused.value.code == "score_out_of_range"
    enrollment.refresh_from_db()
    assert enrollment.attended_hours is None


def test_results_of_a_finished_session_cannot_change(session, coordinator_a):
    enrollment = seated(session)
    services.finish_session(session=session, by=coordinator_a)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.record_results(
            session=session, by=coordinator_a, results={enrollment.pk: Result(attended_hours=Decimal("10"))}
        )
    assert refused.value.code == "finished"
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours is None
