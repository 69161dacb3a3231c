"""Benchmark: enrolment throughput and the course catalogue.

Measures, in a throwaway test database (PostgreSQL when DATABASE_URL points
there, SQLite otherwise; the real database is never touched):

- 1,000 enrolments through `training.services.enroll` into one 100-seat
  session, one after another (100 enrolled, 900 waitlisted);
- the same 1,000 trainees into a fresh 100-seat session from 8 threads started
  together, then the enrolled/waitlisted counts (must be exactly 100 and 900);
- GET /training/ (the public catalogue): the query count with 50 and with 500
  open sessions (it must not grow) and the median render time with 500.

Run from the repository root: .venv/bin/python bench/enroll.py
The last line printed is one JSON object with the figures.
"""

import datetime
import json
import statistics
import threading
import time

from _django import throwaway_database

# isort: split

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talent import resident_id
from talent.models import Practitioner
from training.models import Course, CourseSession, Enrollment, TrainingBase
from training.services import enroll

TRAINEES = 1000
CAPACITY = 100
THREADS = 8


def make_resident_id(n: int) -> str:
    born = datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000)
    first_17 = f"230602{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def make_session(course: Course, start_in_days: int) -> CourseSession:
    now, today = timezone.now(), timezone.localdate()
    return CourseSession(
        course=course,
        start_date=today + datetime.timedelta(days=start_in_days),
        end_date=today + datetime.timedelta(days=start_in_days + 2),
        capacity=CAPACITY,
        enrollment_opens=now - datetime.timedelta(days=1),
        enrollment_closes=now + datetime.timedelta(days=30),
        status=CourseSession.Status.OPEN,
    )


def enroll_in_threads(trainees: list[Practitioner], session: CourseSession, threads: int) -> float:
    """Enrol everyone from `threads` threads released together; returns the wall time in seconds."""
    barrier = threading.Barrier(threads + 1)
    errors = []

    def work(chunk):
        try:
            barrier.wait()
            for trainee in chunk:
                enroll(trainee=trainee, session=session)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(trainees[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    for error in errors:
        print(f"!!! thread error: {error!r}")
    return elapsed


def render_catalogue(client: Client) -> float:
    started = time.perf_counter()
    response = client.get("/training/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed * 1000


def count_catalogue_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        render_catalogue(client)
    return len(queries)


def run() -> dict:
    threads = THREADS
    if connection.vendor == "sqlite":
        threads = 1
        print("NOTE: SQLite serialises writers; the '8 threads' run uses 1 thread. Use PostgreSQL for concurrency.")
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")

    trainees = Practitioner.objects.bulk_create(
        Practitioner(name=f"学员{n}", resident_id=make_resident_id(n), mobile=f"139{n:08d}") for n in range(TRAINEES)
    )
    if not trainees[0].pk:  # backends that cannot return ids from bulk_create
        trainees = list(Practitioner.objects.order_by("pk"))
    base = TrainingBase.objects.create(name="基准培训基地", kind=TrainingBase.Kind.UNIVERSITY)
    course = Course.objects.create(base=base, code="BENCH-1", title="基准课程", hours=10)
    session_a = make_session(course, 60)
    session_a.save()
    session_b = make_session(course, 70)  # no date overlap with A, or enroll refuses a date clash
    session_b.save()

    started = time.perf_counter()
    for trainee in trainees:
        enroll(trainee=trainee, session=session_a)
    sequential = TRAINEES / (time.perf_counter() - started)
    seated = Enrollment.objects.filter(session=session_a, status=Enrollment.Status.ENROLLED).count()
    print(f"Sequential: {TRAINEES} enrolments at {sequential:.1f}/s; {seated} enrolled")

    elapsed = enroll_in_threads(trainees, session_b, threads)
    concurrent = TRAINEES / elapsed
    statuses = Enrollment.objects.filter(session=session_b)
    enrolled = statuses.filter(status=Enrollment.Status.ENROLLED).count()
    waitlisted = statuses.filter(status=Enrollment.Status.WAITLISTED).count()
    print(
        f"{threads} threads: {TRAINEES} enrolments at {concurrent:.1f}/s; {enrolled} enrolled, {waitlisted} waitlisted"
    )
    if (enrolled, waitlisted) != (CAPACITY, TRAINEES - CAPACITY):
        print(f"!!! WARNING: expected {CAPACITY} enrolled and {TRAINEES - CAPACITY} waitlisted in session B !!!")

    # The catalogue lists open sessions only: close A and B so it shows exactly 50, then 500.
    CourseSession.objects.filter(pk__in=[session_a.pk, session_b.pk]).update(status=CourseSession.Status.CLOSED)
    courses = [Course.objects.create(base=base, code=f"CAT-{i}", title=f"目录课程{i}", hours=10) for i in range(10)]
    CourseSession.objects.bulk_create(make_session(courses[i % 10], 100 + i) for i in range(50))
    client = Client()
    for _ in range(4):
        render_catalogue(client)
    queries_50 = count_catalogue_queries(client)
    CourseSession.objects.bulk_create(make_session(courses[i % 10], 100 + i) for i in range(50, 500))
    assert CourseSession.objects.open().count() == 500
    median_ms = statistics.median(render_catalogue(client) for _ in range(20))
    queries_500 = count_catalogue_queries(client)
    print(f"Catalogue: {queries_50} queries with 50 open sessions, {queries_500} with 500; median {median_ms:.1f} ms")
    if queries_50 != queries_500:
        print("!!! WARNING: the catalogue's query count grows with the number of sessions !!!")

    return {
        "enroll_sequential_per_s": round(sequential, 1),
        "enroll_8_threads_per_s": round(concurrent, 1),
        "enrolled": enrolled,
        "waitlisted": waitlisted,
        "catalogue_queries_50_sessions": queries_50,
        "catalogue_queries_500_sessions": queries_500,
        "catalogue_median_ms": round(median_ms, 2),
    }


if __name__ == "__main__":
    with throwaway_database():
        figures = run()
    print(json.dumps(figures))
