"""Benchmark: the dashboards and the annual base assessment on a city-sized registry.

In a throwaway test database (PostgreSQL when DATABASE_URL points there,
SQLite otherwise; the real database is never touched) it loads, at full size,
100,000 practitioners, 300,000 enrolments, 20,000 placements and 50,000
certificates (plus the sessions, courses, hour logs, evaluations and
continuing-education records they imply), then measures over GET requests:

- the administrator dashboard (`/` for an administrator, filtered to last year),
- a coordinator's dashboard (one training base and one practice base),
- the assessment report of a training base and of a practice base,

printing the median render time and the query count of each. The whole run is
repeated at a tenth of the size: the query counts must be the same.

Run from the repository root: .venv/bin/python bench/dashboards.py [--scale 1.0]
The last line printed is one JSON object with the figures.
"""

import argparse
import datetime
import json
import random
import statistics
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from _django import bulk, throwaway_database, timed_gets

# isort: split

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position, PracticeBase
from talent import resident_id
from talent.models import LearningRecord, Practitioner, SubDistrict, User
from talent.roles import Role
from training.models import Course, CourseSession, Enrollment, TrainingBase

PRACTITIONERS = 100_000
ENROLMENTS = 300_000
PLACEMENTS = 20_000
CERTIFICATES = 50_000
PER_SESSION = 30
YEARS = 5
RUNS = 15

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEVELS = ["none", "none", "assistant", "intermediate", "senior"]
KINDS = [k for k, _label in Practitioner.Kind.choices]


def make_resident_id(n: int) -> str:
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000)
    first_17 = f"230602{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def populate(scale: float, rng: random.Random) -> dict:
    today = timezone.localdate()
    this_year = today.year
    n_people = int(PRACTITIONERS * scale)
    n_enrolments = int(ENROLMENTS * scale)
    n_placements = int(PLACEMENTS * scale)
    n_certificates = int(CERTIFICATES * scale)

    sub_districts = bulk(
        SubDistrict, [SubDistrict(code=f"SD{i}", name=f"第{i}街道", district="萨尔图区") for i in range(10)]
    )
    practice_bases = bulk(PracticeBase, [PracticeBase(sub_district=sd) for sd in sub_districts[:6]])
    training_bases = bulk(
        TrainingBase,
        [
            TrainingBase(name=name, kind=TrainingBase.Kind.UNIVERSITY)
            for name in ("八一农大", "东北石油大学", "市委党校")
        ],
    )
    courses = bulk(
        Course,
        [
            Course(base=training_bases[i % 3], code=f"C{i}", title=f"课程{i}", hours=Decimal(rng.choice([8, 12, 16])))
            for i in range(60)
        ],
    )

    people = bulk(
        Practitioner,
        [
            Practitioner(
                name=f"学员{n}",
                resident_id=make_resident_id(n),
                kind=KINDS[n % len(KINDS)],
                qualification_level=(level := LEVELS[n % len(LEVELS)]),
                registration_date=None
                if level == "none"
                else today - datetime.timedelta(days=rng.randrange(1, 365 * 8)),
                sub_district=sub_districts[n % 10] if n % 7 else None,
            )
            for n in range(n_people)
        ],
    )

    # Sessions spread over the last YEARS years, finished except the last few weeks'.
    n_sessions = max(n_enrolments // PER_SESSION, 1)
    now = timezone.now()
    sessions = []
    for i in range(n_sessions):
        start = today - datetime.timedelta(days=rng.randrange(-60, 365 * YEARS))
        sessions.append(
            CourseSession(
                course=courses[i % len(courses)],
                start_date=start,
                end_date=start + datetime.timedelta(days=2),
                capacity=PER_SESSION + 5,
                enrollment_opens=now - datetime.timedelta(days=400 * YEARS),
                enrollment_closes=now - datetime.timedelta(days=1),
                status=CourseSession.Status.FINISHED if start < today else CourseSession.Status.OPEN,
            )
        )
    sessions = bulk(CourseSession, sessions)

    enrolments = []
    for i in range(n_enrolments):
        session = sessions[i // PER_SESSION % n_sessions]
        if session.status == CourseSession.Status.FINISHED:
            status = Enrollment.Status.COMPLETED if rng.random() < 0.8 else Enrollment.Status.FAILED
        else:
            status = Enrollment.Status.ENROLLED
        enrolments.append(Enrollment(session=session, trainee=people[(i * 7919) % n_people], status=status))
    enrolments = bulk(Enrollment, enrolments)
    completed = [e for e in enrolments if e.status == Enrollment.Status.COMPLETED]
    bulk(
        LearningRecord,
        [
            LearningRecord(
                practitioner_id=e.trainee_id,
                date=e.session.end_date,
                hours=e.session.course.hours,
                title="课程",
                source=LearningRecord.Source.COURSE,
                source_key=f"training.enrollment:{e.pk}",
            )
            for e in completed
        ],
    )

    # Two internship rounds a year; positions at every practice base.
    rounds, positions = [], []
    for year in range(this_year - YEARS + 1, this_year + 1):
        for half in (3, 9):
            rounds.append(
                PlacementRound(
                    name=f"{year}-{half}",
                    internship_start=datetime.date(year, half, 1),
                    internship_end=datetime.date(year, half + 2, 28),
                    preference_deadline=datetime.datetime(year, half - 1, 1, tzinfo=SHANGHAI),
                    status=PlacementRound.Status.FINISHED,
                    required_hours=Decimal(40),
                )
            )
    rounds = bulk(PlacementRound, rounds)
    for r in rounds:
        for b, base in enumerate(practice_bases):
            for p in range(10):
                positions.append(Position(round=r, base=base, code=f"{b}-{p}", title=f"岗位{p}", capacity=40))
    positions = bulk(Position, positions)
    per_round = max(n_placements // len(rounds), 1)
    placements = []
    for i in range(n_placements):
        r = min(i // per_round, len(rounds) - 1)
        position = positions[r * 60 + i % 60]
        placements.append(
            Placement(
                trainee=people[i % n_people],
                round_id=position.round_id,
                position=position,
                status=Placement.Status.COMPLETED if i % 5 else Placement.Status.CONFIRMED,
                preference_rank=rng.choice([1, 1, 1, 2, 3, None]),
            )
        )
    placements = bulk(Placement, placements)
    round_start = {r.pk: r.internship_start for r in rounds}
    bulk(
        HourLog,
        [
            HourLog(
                placement=p,
                date=round_start[p.round_id] + datetime.timedelta(days=d),
                hours=Decimal(8),
                activity="服务",
                status=HourLog.Status.APPROVED if d else HourLog.Status.SUBMITTED,
            )
            for p in placements
            for d in range(3)
        ],
    )
    mentor = people[2]
    bulk(
        Evaluation,
        [
            Evaluation(placement=p, mentor=mentor, role=Evaluation.Role.TUTOR, score=Decimal(rng.randrange(50, 100)))
            for p in placements[::2]
        ],
    )

    # Certificates: four in five for courses, the rest for internships; a few revoked.
    n_internship = min(n_certificates // 5, len(placements))
    sources = [("course", e, None) for e in completed[: n_certificates - n_internship]]
    sources += [("internship", None, p) for p in placements[:n_internship]]
    certificates = []
    for sequence, (kind, enrolment, placement) in enumerate(sources, start=1):
        issued = now - datetime.timedelta(days=rng.randrange(0, 365 * YEARS))
        revoked = issued + datetime.timedelta(days=10) if sequence % 50 == 0 else None
        certificates.append(
            Certificate(
                serial=f"DQ-B-{sequence:07d}",
                kind=kind,
                year=issued.year,
                sequence=sequence,
                holder_id=enrolment.trainee_id if enrolment else placement.trainee_id,
                title="证书",
                hours=Decimal(10),
                issuing_base="基地",
                start_date=issued.date(),
                end_date=issued.date(),
                issued_at=issued,
                enrollment=enrolment,
                placement=placement,
                pdf=f"certificates/bench/{sequence}.pdf",
                pdf_sha256="0" * 64,
                revoked_at=revoked,
                revocation_reason="更正" if revoked else "",
            )
        )
    bulk(Certificate, certificates)

    administrator = User.objects.create_user("admin@bench.example", "x", is_staff=True)
    administrator.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    coordinator = User.objects.create_user("coord@bench.example", "x")
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
    training_bases[0].coordinators.add(coordinator)
    practice_bases[0].coordinators.add(coordinator)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "administrator": administrator,
        "coordinator": coordinator,
        "training_base": training_bases[0],
        "practice_base": practice_bases[0],
        "year": this_year - 1,
        "counts": {
            "practitioners": len(people),
            "enrolments": len(enrolments),
            "placements": len(placements),
            "certificates": len(certificates),
        },
    }


def measure(client: Client, url: str, runs: int = RUNS) -> tuple[float, int]:
    """Median milliseconds over `runs` GETs after two warm-ups, and the query count."""
    timings, query_count = timed_gets(client, url, runs=runs, warmups=2)
    return statistics.median(timings), query_count


def run_at(scale: float) -> dict:
    with throwaway_database():
        started = time.perf_counter()
        data = populate(scale, random.Random(7))
        print(f"scale {scale}: loaded {data['counts']} in {time.perf_counter() - started:.0f} s")
        admin, coordinator = Client(), Client()
        admin.force_login(data["administrator"])
        coordinator.force_login(data["coordinator"])
        year = data["year"]
        results = {
            "admin_dashboard": measure(admin, f"/?year={year}"),
            "coordinator_dashboard": measure(coordinator, "/"),
            "training_report": measure(coordinator, f"/reports/assessment/training/{data['training_base'].pk}/{year}/"),
            "practice_report": measure(coordinator, f"/reports/assessment/practice/{data['practice_base'].pk}/{year}/"),
        }
        for name, (median_ms, queries) in results.items():
            print(f"  {name}: median {median_ms:.1f} ms, {queries} queries")
        return results


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    scale = parser.parse_args().scale
    print(f"Database: {connection.vendor}")
    small = run_at(scale / 10)
    full = run_at(scale)
    for name in full:
        if full[name][1] != small[name][1]:
            print(f"!!! WARNING: {name} makes {small[name][1]} queries small and {full[name][1]} full size !!!")
    if full["admin_dashboard"][0] > 500:
        print("!!! WARNING: the administrator dashboard's median is over 500 ms !!!")
    reports = ("training_report", "practice_report")
    slower = max(reports, key=lambda name: full[name][0])
    return {
        "admin_dashboard_median_ms": round(full["admin_dashboard"][0], 1),
        "admin_dashboard_queries": full["admin_dashboard"][1],
        "admin_dashboard_queries_small": small["admin_dashboard"][1],
        "coordinator_dashboard_median_ms": round(full["coordinator_dashboard"][0], 1),
        "assessment_report_median_ms": round(full[slower][0], 1),
        "assessment_report_queries": max(full[name][1] for name in reports),
        "assessment_report_queries_small": max(small[name][1] for name in reports),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
