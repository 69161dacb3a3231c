"""Benchmark: the base pairing view and a base's annual assessment with the
research half of the city loaded.

In a throwaway test database (PostgreSQL when DATABASE_URL points there,
SQLite otherwise; the real database is never touched) it loads, at full size,
50,000 practitioners each with hours claims (three in four approved into the
ledger), 100 research projects with members, outputs and milestones between
the three training bases and six practice bases, 2,000 exchange activities
with ten participants each, and 5,000 placements tutored by project members,
then measures over GET requests:

- the pairing view (training base × practice base) of last year, as an administrator,
- the assessment of a training base and of a practice base for last year,

printing the median render time and the query count of each. The whole run is
repeated at a tenth of the size: the query counts must be the same.

Run from the repository root: .venv/bin/python bench/research.py [--scale 1.0]
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

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position, PracticeBase
from research.models import ExchangeActivity, Milestone, Output, ProjectMember, ResearchProject
from talent import resident_id
from talent.models import LearningClaim, LearningRecord, Practitioner, SubDistrict, User
from talent.roles import Role
from training.models import TrainingBase

PRACTITIONERS = 50_000
PROJECTS = 100
ACTIVITIES = 2_000
PARTICIPANTS = 10
PLACEMENTS = 5_000
RUNS = 15
SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["external_training", "conference", "research", "publication", "supervision", "exchange"]


def make_resident_id(n: int) -> str:
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000)
    first_17 = f"230602{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def populate(scale: float, rng: random.Random) -> dict:
    today = timezone.localdate()
    year = today.year - 1
    n_people = int(PRACTITIONERS * scale)
    n_projects = max(int(PROJECTS * scale), 6)
    n_activities = int(ACTIVITIES * scale)
    n_placements = int(PLACEMENTS * scale)

    sub_districts = bulk(
        SubDistrict, [SubDistrict(code=f"SD{i}", name=f"第{i}街道", district="萨尔图区") for i in range(6)]
    )
    practice_bases = bulk(PracticeBase, [PracticeBase(sub_district=sd) for sd in sub_districts])
    training_bases = bulk(
        TrainingBase,
        [
            TrainingBase(name=name, kind=TrainingBase.Kind.UNIVERSITY)
            for name in ("八一农大", "东北石油大学", "市委党校")
        ],
    )
    people = bulk(
        Practitioner,
        [
            Practitioner(
                name=f"学员{n}",
                resident_id=make_resident_id(n),
                qualification_level="intermediate" if n % 3 else "assistant",
                registration_date=today - datetime.timedelta(days=rng.randrange(1, 365 * 3)),
                sub_district=sub_districts[n % 6],
            )
            for n in range(n_people)
        ],
    )

    projects = bulk(
        ResearchProject,
        [
            ResearchProject(
                title=f"课题{i}",
                lead_base=training_bases[i % 3],
                start_date=datetime.date(year - i % 3, 1 + i % 12, 1),
                end_date=datetime.date(year + 1, 12, 31),
                status=ResearchProject.Status.ACTIVE,
            )
            for i in range(n_projects)
        ],
    )
    through = ResearchProject.partner_bases.through
    bulk(
        through,
        [
            through(researchproject=p, practicebase=practice_bases[(i + k) % 6])
            for i, p in enumerate(projects)
            for k in range(1 + i % 2)
        ],
    )
    members = bulk(
        ProjectMember,
        [
            ProjectMember(project=p, practitioner=people[(i * 5 + k) % n_people], role=ProjectMember.Role.MEMBER)
            for i, p in enumerate(projects)
            for k in range(5)
        ],
    )
    bulk(Milestone, [Milestone(project=p, title="中期", due_date=datetime.date(year, 6, 30)) for p in projects])
    bulk(
        Output,
        [
            Output(project=p, kind=Output.Kind.PAPER, title="论文", date=datetime.date(year, 1 + i % 12, 1))
            for i, p in enumerate(projects)
            for _ in range(2)
        ],
    )

    activities = bulk(
        ExchangeActivity,
        [
            ExchangeActivity(
                training_base=training_bases[i % 3],
                practice_base=practice_bases[i % 6],
                kind=ExchangeActivity.Kind.LECTURE,
                title=f"活动{i}",
                date=datetime.date(year - i % 2, 1 + i % 12, 1 + i % 28),
                place="社区",
                hours=Decimal(rng.choice([2, 3, 4])),
            )
            for i in range(n_activities)
        ],
    )
    participants = ExchangeActivity.participants.through
    bulk(
        participants,
        [
            participants(exchangeactivity=a, practitioner=people[(i * PARTICIPANTS + k) % n_people])
            for i, a in enumerate(activities)
            for k in range(PARTICIPANTS)
        ],
    )

    # Claims: one or two per person, three in four approved and credited.
    claims, records = [], []
    now = timezone.now()
    for n, person in enumerate(people):
        for k in range(1 + n % 2):
            category = CATEGORIES[(n + k) % len(CATEGORIES)]
            approved = (n + k) % 4 != 0
            day = today - datetime.timedelta(days=rng.randrange(1, 700))
            claims.append(
                LearningClaim(
                    practitioner=person,
                    category=category,
                    date=day,
                    quantity=Decimal(2),
                    hours=Decimal(2),
                    title="学时",
                    evidence_sha256=f"{n * 2 + k:064x}",
                    review_scope=f"training:{training_bases[n % 3].pk}",
                    status="approved" if approved else "submitted",
                    reviewed_at=now if approved else None,
                    credited_hours=Decimal(2) if approved else None,
                )
            )
            if approved:
                records.append(
                    LearningRecord(
                        practitioner=person,
                        date=day,
                        hours=Decimal(2),
                        title="学时",
                        source="claim",
                        category=category,
                        note="认定",
                    )
                )
    bulk(LearningClaim, claims)
    bulk(LearningRecord, records)

    # Placements of last year's rounds, tutored by project members.
    rounds = bulk(
        PlacementRound,
        [
            PlacementRound(
                name=f"{y}-3",
                internship_start=datetime.date(y, 3, 1),
                internship_end=datetime.date(y, 5, 28),
                preference_deadline=datetime.datetime(y, 2, 1, tzinfo=SHANGHAI),
                status=PlacementRound.Status.FINISHED,
                required_hours=Decimal(40),
            )
            for y in (year - 1, year)
        ],
    )
    positions = bulk(
        Position,
        [
            Position(round=r, base=b, code=f"{b.pk}-{r.pk}", title="岗位", capacity=n_placements)
            for r in rounds
            for b in practice_bases
        ],
    )
    tutors = [m.practitioner_id for m in members]
    placements = bulk(
        Placement,
        [
            Placement(
                trainee=people[-1 - i],
                round_id=(position := positions[i % len(positions)]).round_id,
                position=position,
                tutor_id=tutors[i % len(tutors)],
                status=Placement.Status.COMPLETED,
            )
            for i in range(n_placements)
        ],
    )
    start = {r.pk: r.internship_start for r in rounds}
    bulk(
        HourLog,
        [
            HourLog(placement=p, date=start[p.round_id], hours=Decimal(8), activity="服务", status="approved")
            for p in placements
        ],
    )
    bulk(
        Evaluation,
        [Evaluation(placement=p, mentor_id=p.tutor_id, role="tutor", score=Decimal(80)) for p in placements[::2]],
    )

    administrator = User.objects.create_user("admin@bench.example", "x", is_staff=True)
    administrator.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    # Administrators sign in with a second factor (talent/mfa.py): give this one its app.
    TOTP.activate(administrator, generate_totp_secret())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "administrator": administrator,
        "training_base": training_bases[0],
        "practice_base": practice_bases[0],
        "year": year,
        "counts": {
            "practitioners": len(people),
            "claims": len(claims),
            "projects": len(projects),
            "activities": len(activities),
            "placements": len(placements),
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
        admin = Client()
        admin.force_login(data["administrator"])
        year = data["year"]
        results = {
            "pairing": measure(admin, f"/research/pairing/?year={year}"),
            "training_assessment": measure(admin, f"/reports/assessment/training/{data['training_base'].pk}/{year}/"),
            "practice_assessment": measure(admin, f"/reports/assessment/practice/{data['practice_base'].pk}/{year}/"),
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
        if full[name][0] > 300:
            print(f"!!! WARNING: {name}'s median is over 300 ms !!!")
    # The slower of the two kinds of base stands for "a base's assessment".
    slower = max(("training_assessment", "practice_assessment"), key=lambda name: full[name][0])
    return {
        "database": connection.vendor,
        "pairing_ms": round(full["pairing"][0], 1),
        "pairing_queries": full["pairing"][1],
        "pairing_queries_small": small["pairing"][1],
        "assessment_ms": round(full[slower][0], 1),
        "assessment_queries": full[slower][1],
        "assessment_queries_small": small[slower][1],
        "assessment_kind": slower.removesuffix("_assessment"),
        "training_assessment_ms": round(full["training_assessment"][0], 1),
        "practice_assessment_ms": round(full["practice_assessment"][0], 1),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
