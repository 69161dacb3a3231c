"""Benchmark: every page at national size (1.5 million practitioners) on PostgreSQL.

In a throwaway database it loads with COPY, at full size: 1,500,000
practitioners across 300 organisations and 36 sub-districts (60 sub-districts
exist: one per practice base), 4,500,000 enrolments over five years (with the
continuing-education records their completion writes), 300,000 placements,
750,000 certificates, 50 training bases and 60 practice bases, each with its
coordinator. Then, as an administrator and as the coordinator of one training
base and one practice base, it measures the median of 15 GETs of: the
dashboards, the registry list (first page with its total), the registry
searched by two characters inside names and by the last four ID characters
(p95 over all searches), the continuing-education report and a base's annual
assessment. Every statement is timed; the slowest is printed. The same run at
a tenth of the size gives the query counts that must be equal.

Run from the repository root (PostgreSQL only):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/national.py [--scale 1.0]
The last line printed is one JSON object with the figures.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

# The dashboards' summaries are computed by a task: run it in the request that
# asks for it (the warm-up GET), as a worker would before anyone looks.
os.environ.setdefault("TASKS_BACKEND", "immediate")

from _django import throwaway_database, timed_gets

# isort: split

from _copy import load, reset_sequences
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position, PracticeBase, Preference
from reports import summaries
from reports.figures import Scope
from talent import resident_id, standings
from talent.models import LearningRecord, Organization, Practitioner, SubDistrict, User
from talent.roles import Role
from training.models import Course, CourseSession, Enrollment, TrainingBase

FULL = {
    "practitioners": 1_500_000,
    "enrolments": 4_500_000,
    "placements": 300_000,
    "certificates": 750_000,
}
ORGANISATIONS = 300
LIVED_IN_SUB_DISTRICTS = 36
TRAINING_BASES = 50
PRACTICE_BASES = 60
COURSES_PER_BASE = 20
PER_SESSION = 30
YEARS = 5
POSITIONS_PER_BASE = 10
RUNS = 15
SHANGHAI = ZoneInfo("Asia/Shanghai")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏飞鑫波辉丹玲琳晶雪梅海燕春"
    "晓东亮林波欣怡佳琪子涵雨轩思博俊豪天佑晨阳一诺嘉睿"
)
LEVELS = ["none", "none", "assistant", "assistant", "intermediate", "senior"]
KINDS = [k for k, _label in Practitioner.Kind.choices]


def name_of(n: int) -> str:
    given = GIVEN[(n * 7) % len(GIVEN)]
    if n % 3:
        given += GIVEN[(n * 13 + 5) % len(GIVEN)]
    return SURNAMES[n % len(SURNAMES)] + given


def resident_id_of(n: int) -> str:
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
    first_17 = f"23{n // 15000 % 10000:04d}{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


class Timer:
    """Times every statement run through Django (an execute wrapper)."""

    def __init__(self):
        self.slowest = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            if took > self.slowest[0]:
                self.slowest = (took, sql)


def populate(scale: float) -> dict:
    rng = random.Random(11)
    today = timezone.localdate()
    now = timezone.now()
    n_people = int(FULL["practitioners"] * scale)
    n_enrolments = int(FULL["enrolments"] * scale)
    n_placements = int(FULL["placements"] * scale)
    n_certificates = int(FULL["certificates"] * scale)
    password = make_password("bench")

    # Accounts: one administrator, one coordinator per base.
    n_coordinators = TRAINING_BASES + PRACTICE_BASES
    load(
        User,
        ["id", "email", "password", "is_staff", "display_name"],
        [(1, "admin@bench.example", password, True, "管理员")]
        + [(1 + i, f"coord{i}@bench.example", password, False, f"协调员{i}") for i in range(1, n_coordinators + 1)],
    )
    groups = {g.name: g.pk for g in Group.objects.all()}
    load(
        User.groups.through,
        ["id", "user_id", "group_id"],
        [(1, 1, groups[Role.ADMINISTRATOR])]
        + [(1 + i, 1 + i, groups[Role.COORDINATOR]) for i in range(1, n_coordinators + 1)],
    )

    load(
        SubDistrict,
        ["id", "code", "name", "district"],
        [(i, f"SD{i:03d}", f"第{i}街道", f"第{i % 9}区") for i in range(1, PRACTICE_BASES + 1)],
    )
    load(PracticeBase, ["id", "sub_district_id"], [(i, i) for i in range(1, PRACTICE_BASES + 1)])
    # Practice base 1 has training base 1's coordinator (user 2): the one measured.
    load(
        PracticeBase.coordinators.through,
        ["id", "practicebase_id", "user_id"],
        [(i, i, 2 if i == 1 else 1 + TRAINING_BASES + i) for i in range(1, PRACTICE_BASES + 1)],
    )
    load(
        Organization,
        ["id", "name", "kind"],
        [(i, f"社会工作服务机构{i}", "social_work_agency") for i in range(1, ORGANISATIONS + 1)],
    )
    load(
        TrainingBase,
        ["id", "name", "kind"],
        [(i, f"培训基地{i}", "university") for i in range(1, TRAINING_BASES + 1)],
    )
    load(
        TrainingBase.coordinators.through,
        ["id", "trainingbase_id", "user_id"],
        [(i, i, 1 + i) for i in range(1, TRAINING_BASES + 1)],
    )
    n_courses = TRAINING_BASES * COURSES_PER_BASE
    course_hours = [Decimal((8, 12, 16, 24)[c % 4]) for c in range(n_courses + 1)]
    load(
        Course,
        ["id", "base_id", "code", "title", "hours"],
        [(c, (c - 1) % TRAINING_BASES + 1, f"C{c:04d}", f"课程{c}", course_hours[c]) for c in range(1, n_courses + 1)],
    )

    def practitioners():
        for n in range(1, n_people + 1):
            level = LEVELS[n % len(LEVELS)]
            registered = None if level == "none" else today - datetime.timedelta(days=(n * 37) % (365 * 6) + 1)
            yield (
                n,
                name_of(n),
                resident_id_of(n),
                # Spread like real numbers: four given digits match a few hundred, not every tenth person.
                f"13{(n * 7_919_113 + 12_345_678) % 1_000_000_000:09d}",
                n % ORGANISATIONS + 1,
                KINDS[n % len(KINDS)],
                level,
                registered,
                n % LIVED_IN_SUB_DISTRICTS + 1 if n % 11 else None,
            )

    load(
        Practitioner,
        [
            "id",
            "name",
            "resident_id",
            "mobile",
            "organization_id",
            "kind",
            "qualification_level",
            "registration_date",
            "sub_district_id",
        ],
        practitioners(),
    )

    # Sessions over the last five years; the last few weeks' still open.
    n_sessions = max(n_enrolments // PER_SESSION, 1)
    session_start = [None] * (n_sessions + 1)
    session_course = [0] * (n_sessions + 1)
    opens = now - datetime.timedelta(days=400 * YEARS)
    for s in range(1, n_sessions + 1):
        session_start[s] = today - datetime.timedelta(days=rng.randrange(-60, 365 * YEARS))
        session_course[s] = (s - 1) % n_courses + 1

    def sessions():
        for s in range(1, n_sessions + 1):
            start = session_start[s]
            finished = start < today - datetime.timedelta(days=2)
            yield (
                s,
                session_course[s],
                start,
                start + datetime.timedelta(days=2),
                PER_SESSION + 5,
                opens,
                now - datetime.timedelta(days=1) if finished else now + datetime.timedelta(days=30),
                "finished" if finished else "open",
            )

    load(
        CourseSession,
        ["id", "course_id", "start_date", "end_date", "capacity", "enrollment_opens", "enrollment_closes", "status"],
        sessions(),
    )

    completed: list[int] = []  # enrolment ids, for the certificates

    def enrolments():
        for e in range(1, n_enrolments + 1):
            s = (e - 1) // PER_SESSION % n_sessions + 1
            finished = session_start[s] < today - datetime.timedelta(days=2)
            trainee = ((e - 1) * 7919) % n_people + 1
            if not finished:
                yield (e, s, trainee, "enrolled", None, None, None)
                continue
            end = session_start[s] + datetime.timedelta(days=2)
            at = datetime.datetime.combine(end, datetime.time(18), SHANGHAI)
            if e % 5:
                if len(completed) < n_certificates:
                    completed.append(e)
                yield (e, s, trainee, "completed", course_hours[session_course[s]], Decimal(85), at)
            else:
                yield (e, s, trainee, "failed", Decimal(2), Decimal(40), at)

    load(
        Enrollment,
        ["id", "session_id", "trainee_id", "status", "attended_hours", "score", "finished_at"],
        enrolments(),
    )

    def learning_records():
        # What completing an enrolment writes to the continuing-education ledger.
        r = 0
        for e in range(1, n_enrolments + 1):
            if e % 5 == 0:
                continue
            s = (e - 1) // PER_SESSION % n_sessions + 1
            if session_start[s] >= today - datetime.timedelta(days=2):
                continue
            r += 1
            yield (
                r,
                ((e - 1) * 7919) % n_people + 1,
                session_start[s] + datetime.timedelta(days=2),
                course_hours[session_course[s]],
                f"课程{session_course[s]}",
                "course",
                f"training.enrollment:{e}",
            )

    load(
        LearningRecord, ["id", "practitioner_id", "date", "hours", "title", "source", "source_key"], learning_records()
    )

    # Two finished internship rounds a year and one collecting preferences now.
    rounds = []
    for year in range(today.year - YEARS, today.year):
        for half in (3, 9):
            rounds.append((year, half))
    n_rounds = len(rounds)
    load(
        PlacementRound,
        ["id", "name", "internship_start", "internship_end", "preference_deadline", "status", "required_hours"],
        [
            (
                r,
                f"{year}年{half}月实习",
                datetime.date(year, half, 1),
                datetime.date(year, half + 2, 28),
                datetime.datetime(year, half - 1, 1, tzinfo=SHANGHAI),
                "finished",
                Decimal(40),
            )
            for r, (year, half) in enumerate(rounds, start=1)
        ]
        + [
            (
                n_rounds + 1,
                "本期实习",
                today + datetime.timedelta(days=60),
                today + datetime.timedelta(days=120),
                now + datetime.timedelta(days=20),
                "collecting",
                Decimal(40),
            )
        ],
    )
    per_round_positions = PRACTICE_BASES * POSITIONS_PER_BASE
    load(
        Position,
        ["id", "round_id", "base_id", "code", "title", "capacity"],
        [
            (
                (r - 1) * per_round_positions + b * POSITIONS_PER_BASE + p + 1,
                r,
                b + 1,
                f"{b + 1}-{p + 1}",
                f"岗位{p + 1}",
                max(n_placements // n_rounds // per_round_positions + 5, 5),
            )
            for r in range(1, n_rounds + 2)
            for b in range(PRACTICE_BASES)
            for p in range(POSITIONS_PER_BASE)
        ],
    )
    per_round = max(n_placements // n_rounds, 1)

    def placements():
        for i in range(n_placements):
            r = min(i // per_round, n_rounds - 1) + 1
            position = (r - 1) * per_round_positions + i % per_round_positions + 1
            trainee = (i * 104729) % n_people + 1
            start = datetime.datetime(*rounds[r - 1], 1, 9, tzinfo=SHANGHAI)
            status = "completed" if i % 5 else "confirmed"
            yield (
                i + 1,
                trainee,
                r,
                position,
                status,
                (1, 1, 1, 2, 3)[i % 5],
                start,
                start + datetime.timedelta(days=80) if status == "completed" else None,
            )

    load(
        Placement,
        ["id", "trainee_id", "round_id", "position_id", "status", "preference_rank", "confirmed_at", "completed_at"],
        placements(),
    )
    load(
        HourLog,
        ["id", "placement_id", "date", "hours", "activity", "status"],
        (
            (
                i + 1,
                i + 1,
                datetime.date(*rounds[min(i // per_round, n_rounds - 1)], 2),
                Decimal(8),
                "服务",
                "approved",
            )
            for i in range(n_placements)
        ),
    )
    load(
        Evaluation,
        ["id", "placement_id", "mentor_id", "role", "score", "date"],
        (
            (i // 2 + 1, i + 1, 1 + (i % 100), "tutor", Decimal(60 + i % 40), datetime.date(*rounds[0], 28))
            for i in range(0, n_placements, 2)
        ),
    )
    # Preferences in the round now collecting: three each for a tenth of the people.
    open_first = n_rounds * per_round_positions + 1
    n_ranking = n_people // 10
    load(
        Preference,
        ["id", "trainee_id", "round_id", "position_id", "rank"],
        (
            (
                i * 3 + k + 1,
                (i * 31) % n_people + 1,
                n_rounds + 1,
                open_first + (i + k * 7) % per_round_positions,
                k + 1,
            )
            for i in range(n_ranking)
            for k in range(3)
        ),
    )

    # Certificates: the completed enrolments' first, then the completed placements'.
    n_internship = min(n_certificates // 5, n_placements * 4 // 5)
    course_sources = completed[: n_certificates - n_internship]

    def certificates():
        sequence = 0
        for e in course_sources:
            sequence += 1
            s = (e - 1) // PER_SESSION % n_sessions + 1
            start = session_start[s]
            issued = datetime.datetime.combine(start + datetime.timedelta(days=3), datetime.time(10), SHANGHAI)
            trainee = ((e - 1) * 7919) % n_people + 1
            yield (
                sequence,
                f"DQ-{issued.year}-T-{sequence:07d}",
                "course",
                issued.year,
                sequence,
                trainee,
                name_of(trainee),
                f"课程{session_course[s]}",
                course_hours[session_course[s]],
                "培训基地",
                start,
                start + datetime.timedelta(days=2),
                issued,
                e,
                None,
                f"certificates/bench/{sequence}.pdf",
                issued + datetime.timedelta(days=10) if sequence % 500 == 0 else None,
                "更正" if sequence % 500 == 0 else "",
            )
        placed = 0
        for i in range(n_placements):
            if placed >= n_internship:
                break
            if i % 5 == 0:
                continue
            placed += 1
            sequence += 1
            r = min(i // per_round, n_rounds - 1)
            year, half = rounds[r]
            issued = datetime.datetime(year, half + 2, 28, 10, tzinfo=SHANGHAI)
            trainee = (i * 104729) % n_people + 1
            yield (
                sequence,
                f"DQ-{year}-P-{sequence:07d}",
                "internship",
                year,
                sequence,
                trainee,
                name_of(trainee),
                "实习",
                Decimal(40),
                "实践基地",
                datetime.date(year, half, 1),
                datetime.date(year, half + 2, 28),
                issued,
                None,
                i + 1,
                f"certificates/bench/{sequence}.pdf",
                None,
                "",
            )

    load(
        Certificate,
        [
            "id",
            "serial",
            "kind",
            "year",
            "sequence",
            "holder_id",
            "holder_name",
            "title",
            "hours",
            "issuing_base",
            "start_date",
            "end_date",
            "issued_at",
            "enrollment_id",
            "placement_id",
            "pdf",
            "revoked_at",
            "revocation_reason",
        ],
        certificates(),
    )
    reset_sequences(
        [
            User,
            SubDistrict,
            PracticeBase,
            Organization,
            TrainingBase,
            Course,
            Practitioner,
            CourseSession,
            Enrollment,
            LearningRecord,
            PlacementRound,
            Position,
            Placement,
            HourLog,
            Evaluation,
            Preference,
            Certificate,
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "administrator": User.objects.get(pk=1),
        # Coordinates training base 1 and practice base 1.
        "coordinator": User.objects.get(pk=2),
        "training_base": 1,
        "year": today.year - 1,
        "counts": {"practitioners": n_people, "enrolments": n_enrolments, "placements": n_placements},
        "id_tail": resident_id_of(n_people // 3 + 7)[-4:],
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_at(scale: float, keep: str = "") -> dict:
    with throwaway_database(keep):
        started = time.perf_counter()
        data = populate(scale)
        load_seconds = time.perf_counter() - started
        print(f"scale {scale}: loaded {data['counts']} in {load_seconds:.0f} s", flush=True)
        # What the daily refresh_standings does (COPY sent no signals).
        started = time.perf_counter()
        standings.refresh()
        standings_seconds = time.perf_counter() - started
        # What autovacuum does after a million new rows: statistics and the
        # visibility map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE talent_cyclestanding")
        print(f"  continuing-education standings refreshed in {standings_seconds:.0f} s", flush=True)
        # What a worker does after a change, before anyone opens the dashboard.
        started = time.perf_counter()
        summaries.refresh_summary.call(summaries.key_of(Scope(year=data["year"])))
        summary_seconds = time.perf_counter() - started
        print(f"  administrator dashboard summary computed in {summary_seconds:.1f} s", flush=True)
        admin, coordinator = Client(), Client()
        admin.force_login(data["administrator"])
        coordinator.force_login(data["coordinator"])
        year = data["year"]
        assessment = reverse("reports:assessment", args=["training", data["training_base"], year])
        pages = {
            "admin_dashboard": (admin, f"/?year={year}"),
            "coordinator_dashboard": (coordinator, "/"),
            "coordinator_registry": (coordinator, "/talent/"),
            "admin_registry": (admin, "/talent/"),
            "ce_report": (coordinator, "/talent/continuing-education/"),
            "assessment": (coordinator, assessment),
        }
        searches = [
            (who, f"/talent/?q={text}")
            for who in (admin, coordinator)
            for text in ("建国", "晓东", "思博", data["id_tail"])
        ]
        timer = Timer()
        results = {}
        with connection.execute_wrapper(timer):
            for name, (client, url) in pages.items():
                timings, queries = timed_gets(client, url, runs=RUNS)
                results[name] = (statistics.median(timings), queries)
                print(f"  {name}: median {results[name][0]:.1f} ms, {queries} queries", flush=True)
            search_timings, search_queries = [], 0
            for client, url in searches:
                timings, queries = timed_gets(client, url, runs=RUNS // 3 + 1)
                search_timings += timings
                who = "admin" if client is admin else "coordinator"
                print(f"    {who} {url}: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms")
                search_queries = max(search_queries, queries)
            results["registry_search"] = (p95(search_timings), search_queries)
            print(f"  registry_search: p95 {results['registry_search'][0]:.1f} ms, {search_queries} queries")
        print(f"  slowest statement {timer.slowest[0]:.0f} ms: {timer.slowest[1][:300]}", flush=True)
        return {
            "pages": results,
            "slowest_ms": timer.slowest[0],
            "load_seconds": load_seconds,
            "standings_seconds": standings_seconds,
            "summary_seconds": summary_seconds,
        }


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1.0)")
    parser.add_argument("--only-small", action="store_true", help="run the tenth only (while working)")
    parser.add_argument("--keep", metavar="NAME", default="", help="load the tenth into database NAME and keep it")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/national.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    small = run_at(args.scale / 10, args.keep)
    full = small if args.only_small else run_at(args.scale)
    figures = {}
    for name, (ms, queries) in full["pages"].items():
        key = "registry_search_p95_ms" if name == "registry_search" else f"{name}_ms"
        figures[key] = round(ms, 1)
        figures[f"{name}_queries"] = queries
        figures[f"{name}_queries_small"] = small["pages"][name][1]
        if queries != small["pages"][name][1]:
            print(f"!!! {name}: {small['pages'][name][1]} queries small, {queries} at full size !!!")
    figures["slowest_statement_ms"] = round(max(full["slowest_ms"], small["slowest_ms"]), 1)
    figures["load_seconds"] = round(full["load_seconds"], 1)
    figures["standings_refresh_seconds"] = round(full["standings_seconds"], 1)
    figures["summary_refresh_seconds"] = round(full["summary_seconds"], 1)
    return figures


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        print(json.dumps(main()))
