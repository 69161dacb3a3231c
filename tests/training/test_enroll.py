import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from training import services
from training.models import CourseSession, Enrollment

pytestmark = pytest.mark.django_db


def seat_counts(session: CourseSession) -> tuple[int, int]:
    counted = CourseSession.objects.with_seat_counts().get(pk=session.pk)
    return counted.enrolled_count, counted.waitlisted_count


def refusal(trainee, session) -> services.EnrollmentRefused:
    """Enrol, expect a refusal, and check that nothing was written."""
    counts_before = seat_counts(session)
    rows_before = Enrollment.objects.count()
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.enroll(trainee=trainee, session=session)
    assert seat_counts(session) == counts_before
    assert Enrollment.objects.count() == rows_before
    return refused.value


def days_from_now(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_free_seat_enrols():
    session = CourseSessionFactory(capacity=1)
    enrollment = services.enroll(trainee=PractitionerFactory(), session=session)
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert enrollment.waitlist_order is None
    assert enrollment.waitlist_position() is None
    assert seat_counts(session) == (1, 0)


def test_full_session_waitlists_in_order_of_arrival():
    session = CourseSessionFactory(capacity=1)
    services.enroll(trainee=PractitionerFactory(), session=session)
    second = services.enroll(trainee=PractitionerFactory(), session=session)
    third = services.enroll(trainee=PractitionerFactory(), session=session)
    assert second.status == third.status == Enrollment.Status.WAITLISTED
    assert [second.waitlist_position(), third.waitlist_position()] == [1, 2]
    assert seat_counts(session) == (1, 2)


def test_zero_capacity_session_waitlists_the_first_person():
    session = CourseSessionFactory(capacity=0)
    enrollment = services.enroll(trainee=PractitionerFactory(), session=session)
    assert enrollment.status == Enrollment.Status.WAITLISTED
    assert enrollment.waitlist_position() == 1


@pytest.mark.parametrize(
    ("session_fields", "code"),
    [
        ({"status": CourseSession.Status.DRAFT}, "not_open"),
        ({"status": CourseSession.Status.CLOSED}, "not_open"),
        ({"status": CourseSession.Status.FINISHED}, "not_open"),
        ({"enrollment_opens": 1, "enrollment_closes": 7}, "not_yet_open"),
        ({"enrollment_opens": -7, "enrollment_closes": -1}, "closed"),
    ],
)
def test_enrolment_outside_an_open_window_is_refused(session_fields, code):
    fields = {
        key: days_from_now(value) if key.startswith("enrollment_") else value for key, value in session_fields.items()
    }
    session = CourseSessionFactory(**fields)
    assert refusal(PractitionerFactory(), session).code == code


def test_course_above_the_trainees_qualification_is_refused():
    session = CourseSessionFactory(course__minimum_qualification_level="intermediate")
    assert refusal(PractitionerFactory(qualification_level="none"), session).code == "qualification"
    assert refusal(PractitionerFactory(qualification_level="assistant"), session).code == "qualification"


@pytest.mark.parametrize("level", ["intermediate", "senior"])
def test_trainee_at_or_above_the_minimum_qualification_enrols(level):
    session = CourseSessionFactory(course__minimum_qualification_level="intermediate")
    trainee = PractitionerFactory(qualification_level=level, qualification_certificate_number="ZG1")
    assert services.enroll(trainee=trainee, session=session).status == Enrollment.Status.ENROLLED


def test_missing_prerequisite_is_refused_and_named():
    ethics, methods = CourseFactory(title="社会工作伦理"), CourseFactory(title="个案工作方法")
    session = CourseSessionFactory()
    session.course.prerequisites.set([ethics, methods])
    trainee = PractitionerFactory()
    EnrollmentFactory(trainee=trainee, session__course=methods, status=Enrollment.Status.COMPLETED)

    refused = refusal(trainee, session)

    assert refused.code == "prerequisites"
    assert "社会工作伦理" in refused.message
    assert "个案工作方法" not in refused.message


def test_completed_prerequisites_allow_enrolment():
    ethics = CourseFactory(title="社会工作伦理")
    session = CourseSessionFactory()
    session.course.prerequisites.add(ethics)
    trainee = PractitionerFactory()
    EnrollmentFactory(trainee=trainee, session__course=ethics, status=Enrollment.Status.COMPLETED)
    assert services.enroll(trainee=trainee, session=session).status == Enrollment.Status.ENROLLED


@pytest.mark.parametrize(
    "own_status", [Enrollment.Status.FAILED, Enrollment.Status.CANCELLED, Enrollment.Status.ENROLLED]
)
def test_prerequisite_is_missing_when_only_someone_else_completed_it(own_status):
    """The trainee failed, left or is still taking the prerequisite; a classmate completed it."""
    ethics = CourseFactory(title="社会工作伦理")
    session = CourseSessionFactory()
    session.course.prerequisites.add(ethics)
    EnrollmentFactory(
        session__course=ethics,
        session__status=CourseSession.Status.FINISHED,
        session__start_date=in_days(-30),
        status=Enrollment.Status.COMPLETED,
    )
    trainee = PractitionerFactory()
    EnrollmentFactory(trainee=trainee, session__course=ethics, session__start_date=in_days(1), status=own_status)

    assert refusal(trainee, session).code == "prerequisites"


@pytest.mark.parametrize("first_status", [Enrollment.Status.ENROLLED, Enrollment.Status.WAITLISTED])
def test_enrolling_twice_is_refused(first_status):
    session = CourseSessionFactory(capacity=0 if first_status == Enrollment.Status.WAITLISTED else 1)
    trainee = PractitionerFactory()
    assert services.enroll(trainee=trainee, session=session).status == first_status
    assert refusal(trainee, session).code == "already_enrolled"


def test_cancelled_enrolment_does_not_block_enrolling_again():
    session = CourseSessionFactory()
    trainee = PractitionerFactory()
    EnrollmentFactory(trainee=trainee, session=session, status=Enrollment.Status.CANCELLED)
    assert services.enroll(trainee=trainee, session=session).status == Enrollment.Status.ENROLLED


def test_overlapping_session_is_refused_and_named():
    trainee = PractitionerFactory()
    booked = CourseSessionFactory(course__title="社区治理", start_date=in_days(7), end_date=in_days(9))
    services.enroll(trainee=trainee, session=booked)
    overlapping = CourseSessionFactory(start_date=in_days(9), end_date=in_days(10))

    refused = refusal(trainee, overlapping)

    assert refused.code == "date_clash"
    assert str(booked) in refused.message


def test_waitlisted_place_also_clashes():
    trainee = PractitionerFactory()
    booked = CourseSessionFactory(capacity=0, start_date=in_days(7), end_date=in_days(9))
    services.enroll(trainee=trainee, session=booked)
    overlapping = CourseSessionFactory(start_date=in_days(8), end_date=in_days(8))
    assert refusal(trainee, overlapping).code == "date_clash"


def test_sessions_back_to_back_or_cancelled_do_not_clash():
    trainee = PractitionerFactory()
    services.enroll(trainee=trainee, session=CourseSessionFactory(start_date=in_days(7), end_date=in_days(9)))
    dropped = CourseSessionFactory(start_date=in_days(10), end_date=in_days(12))
    EnrollmentFactory(trainee=trainee, session=dropped, status=Enrollment.Status.CANCELLED)
    next_one = CourseSessionFactory(start_date=in_days(10), end_date=in_days(11))
    assert services.enroll(trainee=trainee, session=next_one).status == Enrollment.Status.ENROLLED


def test_database_holds_one_live_enrolment_per_trainee_and_session():
    first = EnrollmentFactory(status=Enrollment.Status.ENROLLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            session=first.session, trainee=first.trainee, status=Enrollment.Status.WAITLISTED, waitlist_order=1
        )
    assert Enrollment.objects.filter(session=first.session).count() == 1


def test_database_allows_a_live_enrolment_next_to_cancelled_ones():
    first = EnrollmentFactory(status=Enrollment.Status.CANCELLED)
    EnrollmentFactory(session=first.session, trainee=first.trainee, status=Enrollment.Status.CANCELLED)
    EnrollmentFactory(session=first.session, trainee=first.trainee, status=Enrollment.Status.ENROLLED)
    assert Enrollment.objects.filter(session=first.session, trainee=first.trainee).count() == 3
