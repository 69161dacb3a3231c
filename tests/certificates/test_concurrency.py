"""Serials stay gap-free under concurrent issuing. SQLite serialises writers,
so this means something only on PostgreSQL, where `issue` locks the counter row."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import issue_for_enrollment
from tests.factories import EnrollmentFactory
from training.models import Enrollment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; SQLite serialises writers"
    ),
]

THREADS = 8


def test_eight_issuers_at_once_get_serials_one_to_eight(finished_session):
    enrollments = EnrollmentFactory.create_batch(THREADS, session=finished_session, status=Enrollment.Status.COMPLETED)
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(enrollment):
        try:
            barrier.wait(timeout=30)
            issue_for_enrollment(enrollment)
        except BaseException as error:  # collected for the test to check
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(e,)) for e in enrollments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert errors == []
    year = timezone.localdate().year
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"DQ-{year}-T-{n:06d}" for n in range(1, THREADS + 1)]
    assert Certificate.objects.values("enrollment").distinct().count() == THREADS


def test_two_issuers_of_the_same_enrollment_get_the_same_certificate(completed_enrollment):
    barrier = threading.Barrier(2)
    results: list[Certificate] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(issue_for_enrollment(completed_enrollment))
        except BaseException as error:  # collected for the test to check
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Certificate.objects.count() == 1
    assert {c.pk for c in results} == {Certificate.objects.get().pk}
