"""Benchmark: the optimal assignment of a large placement round.

The assignment itself needs only NumPy and SciPy. The same instance is then
loaded into a throwaway database (PostgreSQL when DATABASE_URL points there)
and matched through `placements.services.match_round`, the path coordinators
use, to show the cost of reading and writing around the solver. The instance is
3,000 trainees, 6 bases of 50 positions each (300 positions of 1-20 seats) and
five distinct random preferences per trainee, all from random.Random(2026).

Reports the time and peak memory of `matching.assign` and the share of trainees
placed at their first and top-three choices, next to first come, first served
(`matching.greedy`, arrival in trainee id order) on the same instance.

Then the explanations (placements.explanations): `explain_solver_seconds` is
the solver's part alone; `explain_seconds` is the whole background task on the
database (`explain_round`: read the round, explain, write every proposal's
explanation), target < 60 s; `explained` counts the proposals below the first
choice that got an explanation, out of `below_first` (they must be equal).

Run from the repository root: .venv/bin/python bench/match.py
The last line printed is one JSON object with the figures.
"""

import json
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from placements.matching import Assignment, Choice, assign, costs, greedy

SEED = 2026
TRAINEES = 3000
BASES = 6
POSITIONS_PER_BASE = 50
SEATS = (1, 20)
PREFERENCES = 5
SLOW_SECONDS = 10


def round_to(seconds: float) -> float:
    return round(seconds, 3)


def make_instance() -> tuple[list[Choice], dict[int, int], list[int]]:
    rng = random.Random(SEED)
    # Position ids are base * 1000 + n, so a position's base can be read from its id.
    positions = [base * 1000 + n for base in range(1, BASES + 1) for n in range(1, POSITIONS_PER_BASE + 1)]
    capacity = {position: rng.randint(*SEATS) for position in positions}
    trainees = list(range(1, TRAINEES + 1))
    choices = [
        Choice(trainee, position, rank)
        for trainee in trainees
        for rank, position in enumerate(rng.sample(positions, PREFERENCES), start=1)
    ]
    return choices, capacity, trainees


def shares(result: Assignment) -> tuple[float, float]:
    counts = result.rank_counts()
    first = counts[1] / TRAINEES
    top3 = (counts[1] + counts[2] + counts[3]) / TRAINEES
    return round(first, 4), round(top3, 4)


def run() -> dict:
    choices, capacity, trainees = make_instance()
    seats = sum(capacity.values())
    print(f"Instance: {TRAINEES} trainees, {len(capacity)} positions in {BASES} bases, {seats} seats")

    started = time.perf_counter()
    optimal = assign(choices, capacity, trainees)
    seconds = time.perf_counter() - started

    # A second run for memory: tracemalloc slows Python down, so it stays out of the timing.
    tracemalloc.start()
    again = assign(choices, capacity, trainees)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if again.placed != optimal.placed:
        print("!!! WARNING: two runs of assign on the same instance gave different results !!!")

    started = time.perf_counter()
    explained = costs(choices, capacity, optimal)
    explain_solver_seconds = time.perf_counter() - started
    print(f"explanations (solver only): {explain_solver_seconds:.2f} s for {sum(map(len, explained.values()))} choices")

    first_come = greedy(choices, capacity, trainees)
    first, top3 = shares(optimal)
    greedy_first, greedy_top3 = shares(first_come)
    # ru_maxrss is in kilobytes on Linux.
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"assign: {seconds:.3f} s, tracemalloc peak {peak / 2**20:.1f} MB, process max RSS {max_rss_mb:.1f} MB")
    print()
    print(f"{'':<10}{'placed':>8}{'1st choice':>12}{'top 3':>8}   by rank 1..{PREFERENCES}")
    for name, result, first_share, top3_share in (
        ("assign", optimal, first, top3),
        ("greedy", first_come, greedy_first, greedy_top3),
    ):
        by_rank = " ".join(f"{n:>5}" for n in result.rank_counts().values())
        print(f"{name:<10}{len(result.placed):>8}{first_share:>12.1%}{top3_share:>8.1%}   {by_rank}")
    print()

    if seconds >= SLOW_SECONDS:
        print(f"!!! WARNING: assign took {seconds:.1f} s (limit {SLOW_SECONDS} s) !!!")
    if len(optimal.placed) < len(first_come.placed):
        print("!!! WARNING: assign places fewer trainees than first come, first served !!!")
    if optimal.rank_counts()[1] < first_come.rank_counts()[1]:
        print("!!! WARNING: assign gives fewer first choices than first come, first served !!!")

    return {
        "trainees": TRAINEES,
        "seats": seats,
        "seconds": round(seconds, 3),
        "explain_solver_seconds": round(explain_solver_seconds, 3),
        "peak_mb": round(peak / 2**20, 1),
        "placed": len(optimal.placed),
        "first_choice_share": first,
        "top3_share": top3,
        "greedy_placed": len(first_come.placed),
        "greedy_first_choice_share": greedy_first,
        "greedy_top3_share": greedy_top3,
    }


def service_run(choices: list[Choice], capacity: dict[int, int]) -> dict:
    """Load the instance into a throwaway database, time `match_round` on it,
    then the explanations' background task."""
    import datetime
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from placements import explanations, services
    from placements.models import Placement, PlacementRound, Position, PracticeBase, Preference
    from talent import resident_id
    from talent.models import Practitioner, SubDistrict, User

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        today = timezone.localdate()
        round = PlacementRound.objects.create(
            name="bench",
            internship_start=today,
            internship_end=today + datetime.timedelta(days=90),
            preference_deadline=timezone.now(),
            status=PlacementRound.Status.COLLECTING,
            required_hours=120,
        )
        bases = {
            base: PracticeBase.objects.create(
                sub_district=SubDistrict.objects.create(code=f"b{base}", name=f"街道{base}", district="区")
            )
            for base in range(1, BASES + 1)
        }
        positions = {
            key: Position.objects.create(
                round=round, base=bases[key // 1000], code=str(key), title=f"岗位{key}", capacity=seats
            )
            for key, seats in capacity.items()
        }
        trainees = {}
        for n in range(1, TRAINEES + 1):
            first_17 = f"230602{datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
            trainees[n] = Practitioner(name=f"学员{n}", resident_id=first_17 + resident_id.check_character(first_17))
        Practitioner.objects.bulk_create(trainees.values())
        Preference.objects.bulk_create(
            Preference(trainee=trainees[c.trainee], round=round, position=positions[c.position], rank=c.rank)
            for c in choices
        )
        organiser = User.objects.create_superuser(email="bench@example.com")
        started = time.perf_counter()
        report = services.match_round(round=round, by=organiser)
        seconds = time.perf_counter() - started
        print(f"match_round on {connection.vendor} (database included): {seconds:.2f} s, {report.placed} placed")
        PlacementRound.objects.filter(pk=round.pk).update(published_at=timezone.now())
        started = time.perf_counter()
        explanations.explain_round(round.pk)
        explain_seconds = time.perf_counter() - started
        below_first = Placement.objects.filter(round=round, preference_rank__gt=1)
        figures = {
            "explain_seconds": round_to(explain_seconds),
            "explained": below_first.filter(explanation__isnull=False).count(),
            "below_first": below_first.count(),
        }
        print(f"explain_round on {connection.vendor} (database included): {explain_seconds:.2f} s, {figures}")
        if explain_seconds >= 60:
            print(f"!!! WARNING: the explanations took {explain_seconds:.1f} s (target 60 s) !!!")
        if figures["explained"] != figures["below_first"]:
            print("!!! WARNING: some placements below the first choice have no explanation !!!")
        return figures
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    figures = run()
    figures |= service_run(*make_instance()[:2])
    print(json.dumps(figures))
