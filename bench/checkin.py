"""Benchmark: QR check-in at a 300-seat class meeting.

In a throwaway test database (PostgreSQL when DATABASE_URL points there,
SQLite otherwise; the real database is never touched) it builds a session of
300 enrolled trainees and a meeting happening now, signs each trainee in with
a client of their own, and then, within one code's lifetime (the code is
taken at the start of a 20-second step, so it is good for 40 seconds), all
300 open the code's URL through the real views (sessions, rate limits, the
check-in service, the confirmation page) from THREADS threads released
together. It prints:

- checkins: confirmations shown; errors: anything else (must be 0);
- p50_ms, p95_ms: the time of one check-in request (target p95 < 200 ms);
- duplicates: attendance rows beyond one per trainee after everyone scans a
  second time, at once, with a new code (must be 0: scanning twice is harmless);
- queries_per_checkin: the queries of one check-in, measured for two more
  trainees (the two must be equal: the count does not grow with the session).

Run from the repository root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/checkin.py
The last line printed is one JSON object with the figures.
"""

import datetime
import json
import os
import statistics
import threading
import time
from decimal import Decimal

from _django import throwaway_database

# isort: split

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talent import resident_id
from talent.models import Practitioner, User
from talent.roles import Role
from training import checkin
from training.models import Attendance, Course, CourseSession, Enrollment, Meeting, TrainingBase

SEATS = 300
THREADS = int(os.environ.get("BENCH_THREADS", 4))  # about two per core: more only queue for the CPU


def make_resident_id(n: int) -> str:
    born = datetime.date(1985, 1, 1) + datetime.timedelta(days=n)
    first_17 = f"230603{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def build(people: int) -> tuple[Meeting, list[User]]:
    today, now = timezone.localdate(), timezone.localtime()
    base = TrainingBase.objects.create(name="基准签到基地", kind=TrainingBase.Kind.UNIVERSITY)
    course = Course.objects.create(base=base, code="CHECKIN-1", title="签到基准课程", hours=Decimal(2))
    session = CourseSession.objects.create(
        course=course,
        start_date=today,
        end_date=today,
        capacity=people,
        enrollment_opens=now - datetime.timedelta(days=30),
        enrollment_closes=now - datetime.timedelta(days=1),
        status=CourseSession.Status.CLOSED,
    )
    # Starts in five minutes, so that check-in is open; a meeting cannot cross midnight.
    start = now + datetime.timedelta(minutes=5)
    end = min(start + datetime.timedelta(hours=2), now.replace(hour=23, minute=59, second=59))
    meeting = Meeting.objects.create(
        session=session, date=today, starts_at=start.time(), ends_at=end.time(), hours=Decimal(2)
    )
    trainee_group = Group.objects.get(name=Role.TRAINEE)
    users = User.objects.bulk_create(User(email=f"checkin{n}@bench.example.com") for n in range(people))
    if not users[0].pk:
        users = list(User.objects.filter(email__endswith="@bench.example.com").order_by("pk"))
    trainee_group.user_set.add(*users)
    practitioners = Practitioner.objects.bulk_create(
        Practitioner(user=user, name=f"学员{n}", resident_id=make_resident_id(n), mobile=f"138{n:08d}")
        for n, user in enumerate(users)
    )
    if not practitioners[0].pk:
        practitioners = list(Practitioner.objects.filter(user__in=users).order_by("pk"))
    Enrollment.objects.bulk_create(
        Enrollment(session=session, trainee=p, status=Enrollment.Status.ENROLLED) for p in practitioners
    )
    return meeting, users


def fresh_url(meeting: Meeting) -> str:
    """A code taken at the start of a 20-second step: good for the next 40 seconds."""
    left = checkin.STEP_SECONDS - time.time() % checkin.STEP_SECONDS
    time.sleep(left + 0.05)
    return checkin.checkin_url(meeting.pk, "in", timezone.now()).replace("http://127.0.0.1:8000", "")


def scan_all(clients: list[Client], url: str, threads: int) -> tuple[list[float], list[str], float]:
    barrier = threading.Barrier(threads + 1)
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(chunk):
        try:
            barrier.wait()
            for client in chunk:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                ok = response.status_code == 200 and b'data-testid="checkin-confirmed"' in response.content
                with lock:
                    times.append(elapsed)
                    if not ok:
                        errors.append(f"{response.status_code}")
        except Exception as error:
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(clients[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return times, errors, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run() -> dict:
    threads = THREADS
    if connection.vendor == "sqlite":
        threads = 1
        print("NOTE: SQLite serialises writers; the run uses 1 thread. Use PostgreSQL for concurrency.")
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    if timezone.localtime().time() > datetime.time(21, 50):
        print("NOTE: less than two hours to midnight: the meeting is shorter, which changes nothing measured.")
    meeting, users = build(SEATS + 3)
    extra, users = users[SEATS:], users[:SEATS]
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    connection.close()  # the threads open their own

    url = fresh_url(meeting)
    times, errors, wall = scan_all(clients, url, threads)
    checkins = len(times) - len(errors)
    print(
        f"{SEATS} check-ins from {threads} threads in {wall:.2f} s (the code is good for 40 s): "
        f"{checkins} confirmed, {len(errors)} errors"
    )
    for error in sorted(set(errors))[:5]:
        print(f"!!! {error}")
    if wall > 2 * checkin.STEP_SECONDS:
        print("!!! WARNING: the run took longer than one code lives !!!")

    _times, rescan_errors, _wall = scan_all(clients, fresh_url(meeting), threads)
    duplicates = sum(
        row["n"] - 1
        for row in Attendance.objects.filter(meeting=meeting).values("trainee").annotate(n=Count("pk")).filter(n__gt=1)
    )
    rows = Attendance.objects.filter(meeting=meeting).count()
    print(f"Everyone scanned again: {len(rescan_errors)} errors; {rows} attendance rows, {duplicates} duplicates")

    counts = []
    url = fresh_url(meeting)
    client = Client()
    client.force_login(extra.pop(0))
    client.get(url)  # the first scan of a minute from an address starts its count
    for user in extra:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert b'data-testid="checkin-confirmed"' in response.content
        counts.append(len(queries))
    print(f"Queries per check-in: {counts}")
    if len(set(counts)) != 1:
        print("!!! WARNING: the query count of a check-in is not fixed !!!")
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"Check-in request: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 200 ms)")
    return {
        "checkins": checkins,
        "errors": len(errors) + len(rescan_errors),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "duplicates": duplicates,
        "attendance_rows": rows,
        "queries_per_checkin": counts[0],
        "threads": threads,
        "wall_seconds": round(wall, 2),
    }


if __name__ == "__main__":
    with throwaway_database():
        figures = run()
    print(json.dumps(figures))
