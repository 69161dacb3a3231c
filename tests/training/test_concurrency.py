"""Seats hold under concurrent enrolment. SQLite serialises writers, so these
tests mean something only on PostgreSQL, where `enroll` relies on row locks."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from talent.roles import Role
from tests.factories import CourseSessionFactory, PractitionerFactory, UserFactory
from training import services
from training.models import Enrollment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; SQLite serialises writers"
    ),
]


def run_together(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run each call in its own thread and database connection, released at once."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # collected for the test to check
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return errors


def test_twenty_people_racing_for_five_seats():
    session = CourseSessionFactory(capacity=5)
    trainees = PractitionerFactory.create_batch(20)

    errors = run_together(
        [lambda trainee=trainee: services.enroll(trainee=trainee, session=session) for trainee in trainees]
    )

    assert errors == []
    enrollments = list(Enrollment.objects.filter(session=session))
    assert len(enrollments) == 20
    assert sum(e.status == Enrollment.Status.ENROLLED for e in enrollments) == 5
    waitlisted = [e for e in enrollments if e.status == Enrollment.Status.WAITLISTED]
    assert len(waitlisted) == 15
    assert sorted(e.waitlist_position() for e in waitlisted) == list(range(1, 16))
    assert sorted(e.waitlist_order for e in waitlisted) == list(range(1, 16))


def test_the_same_person_enrolling_twice_at_once_gets_one_place():
    session = CourseSessionFactory(capacity=5)
    trainee = PractitionerFactory()

    errors = run_together([lambda: services.enroll(trainee=trainee, session=session)] * 5)

    assert Enrollment.objects.filter(session=session, trainee=trainee).count() == 1
    assert len(errors) == 4
    assert all(isinstance(e, services.EnrollmentRefused) and e.code == "already_enrolled" for e in errors)


def test_one_person_enrolling_in_two_overlapping_sessions_at_once_gets_one():
    first, second = CourseSessionFactory(), CourseSessionFactory()
    trainee = PractitionerFactory()

    errors = run_together([lambda s=s: services.enroll(trainee=trainee, session=s) for s in (first, second)])

    assert Enrollment.objects.filter(trainee=trainee).count() == 1
    assert [(type(e), getattr(e, "code", None)) for e in errors] == [(services.EnrollmentRefused, "date_clash")]


def test_cancellations_and_enrolments_at_once_keep_the_capacity():
    session = CourseSessionFactory(capacity=5)
    seated = [services.enroll(trainee=trainee, session=session) for trainee in PractitionerFactory.create_batch(5)]
    coordinator = UserFactory(role=Role.COORDINATOR)
    session.course.base.coordinators.add(coordinator)
    newcomers = PractitionerFactory.create_batch(5)

    errors = run_together(
        [lambda e=e: services.cancel(enrollment=e, by=coordinator) for e in seated]
        + [lambda trainee=trainee: services.enroll(trainee=trainee, session=session) for trainee in newcomers]
    )

    assert errors == []
    assert Enrollment.objects.filter(session=session, status=Enrollment.Status.ENROLLED).count() == 5
    live = Enrollment.objects.filter(session=session, trainee__in=newcomers)
    assert live.filter(status=Enrollment.Status.ENROLLED).count() == 5
    assert not live.filter(status=Enrollment.Status.WAITLISTED).exists()
