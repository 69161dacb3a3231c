"""Benchmark: practitioner rosters of 100,000 and 300,000 rows through the import.

Each size runs in a process of its own (so that its peak memory is its own),
in a throwaway test database (PostgreSQL when DATABASE_URL points there,
SQLite otherwise; the real database is never touched):

- 100,000 rows: writes a CSV (valid resident IDs, Chinese names, 200
  organizations, the six sub-districts, one or two specialties each), imports
  it through `rosters.runner.run_import` (the path of the admin and the
  `import_roster` command: checks, bulk writes, specialties, audit entries,
  the import record and its rows), imports it again (every row unchanged), and
  times a plain `bulk_create` of the same rows into an emptied table as the floor;
- 300,000 rows: first the same file with one bad row at the very end (all or
  nothing: it must write no row), then the good file.

Targets: the 100,000-row import under 45 s on PostgreSQL; peak memory flat
(`peak_mb_300k` < 1.2 x `peak_mb_100k`) and both under 700 MB.

Run from the repository root: .venv/bin/python bench/import_roster.py
The last line printed is one JSON object with the figures.
"""

import csv
import datetime
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _django import throwaway_database

# isort: split

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import connection
from django.utils import translation

import rosters
from rosters.runner import run_import
from talent import resident_id
from talent.models import Organization, Practitioner, SubDistrict, User

SIZES = (100_000, 300_000)
PRACTITIONERS = rosters.get("practitioners")
ORGANIZATIONS = 200
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红志国建春海文云辉成东林德金"
    "丹萍飞鹏宇浩凯欣怡晨子涵梓轩诗雨佳琪思博"
)
SUB_DISTRICTS = ["东风街道", "会战街道", "萨尔图街道", "铁人街道", "奥林街道", "友谊街道"]
LEVELS = ["无", "助理社会工作师", "社会工作师", "高级社会工作师"]
KINDS_ZH = ["持证社会工作者", "社区工作者", "学生", "志愿者"]
SPECIALTIES = ["社区", "老年", "青少年", "家庭", "矛盾调解", "残障", "医务健康"]


def make_resident_id(n: int) -> str:
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 900)
    first_17 = f"230602{born:%Y%m%d}{n % 900 + 100:03d}"
    return first_17 + resident_id.check_character(first_17)


def roster_csv(rows: int, *, bad_last_row: bool = False) -> bytes:
    rng = random.Random(2026)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["姓名", "身份证号", "手机号码", "工作单位", "单位性质", "人员类别", "职业资格", "登记日期", "专业领域", "街道"]
    )
    for n in range(rows):
        kind, level = rng.choice(KINDS_ZH), rng.choice(LEVELS)
        if kind == KINDS_ZH[0] and level == LEVELS[0]:
            level = LEVELS[2]  # a certified social worker holds a qualification
        writer.writerow(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) * rng.randint(0, 1),
                make_resident_id(n),
                f"13{rng.randint(0, 999_999_999):09d}",
                f"大庆市第{n % ORGANIZATIONS + 1}社会工作服务中心",
                "社会工作服务机构",
                kind,
                level,
                f"{rng.randint(2020, 2025)}-{rng.randint(1, 12):02d}-01",
                "、".join(rng.sample(SPECIALTIES, rng.randint(1, 2))),
                rng.choice(SUB_DISTRICTS),
            ]
        )
    if bad_last_row:
        writer.writerow(["王五", "230602199001011230", "", "", "", "", "", "", "", ""])  # a wrong check digit
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bulk_create_floor(rows) -> float:
    """The same rows with a plain bulk_create: resolved objects, no checks."""
    organizations = {o.name: o for o in Organization.objects.all()}
    sub_districts = {s.name: s for s in SubDistrict.objects.all()}
    level = {"无": "none", "助理社会工作师": "assistant", "社会工作师": "intermediate", "高级社会工作师": "senior"}
    kind = dict(zip(KINDS_ZH, ["social_worker", "community_worker", "student", "volunteer"], strict=True))
    code = dict(
        zip(SPECIALTIES, ["community", "elderly", "youth", "family", "disputes", "disability", "health"], strict=True)
    )
    through = Practitioner.specialties.through
    started = time.perf_counter()
    people = [
        Practitioner(
            name=row[0],
            resident_id=row[1],
            mobile=row[2],
            organization=organizations[row[3]],
            kind=kind[row[5]],
            qualification_level=level[row[6]],
            registration_date=datetime.date.fromisoformat(row[7]),
            sub_district=sub_districts[row[9]],
        )
        for row in rows
    ]
    Practitioner.objects.bulk_create(people, batch_size=2000)
    links = [
        through(practitioner_id=p.pk, specialty_id=code[s])
        for p, row in zip(people, rows, strict=True)
        for s in row[8].split("、")
    ]
    through.objects.bulk_create(links, batch_size=5000)
    return time.perf_counter() - started


def setup_database() -> User:
    for i, name in enumerate(SUB_DISTRICTS):
        SubDistrict.objects.create(code=f"SD{i}", name=name, district="萨尔图区")
    return User.objects.create_superuser(email="bench@example.com", password=None)


def timed_import(content, admin) -> tuple[float, object]:
    started = time.perf_counter()
    outcome = run_import(kind=PRACTITIONERS, content=content, file_name="roster.csv", user=admin, dry_run=False)
    return time.perf_counter() - started, outcome


def child_100k(rows: int, path: Path) -> dict:
    with throwaway_database():
        admin = setup_database()
        content = path  # read from disk by the import, as the admin's stored previews are
        print(f"{connection.vendor}: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB CSV", flush=True)
        import_seconds, outcome = timed_import(content, admin)
        peak = peak_mb()  # before the re-import and the floor hold more
        assert outcome.ok, outcome.problems[:5]
        assert Practitioner.objects.count() == rows and outcome.totals["new"] == rows
        print(f"import: {import_seconds:.1f} s, {rows / import_seconds:,.0f} rows/s, peak {peak:.0f} MB", flush=True)
        print(f"  audit entries: {LogEntry.objects.count():,}")

        reimport_seconds, outcome = timed_import(content, admin)
        assert outcome.ok and outcome.totals["skip"] == rows, outcome.totals
        print(f"re-import (unchanged): {reimport_seconds:.1f} s, {rows / reimport_seconds:,.0f} rows/s", flush=True)

        table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))[1:]
        with disable_auditlog():  # clearing the table is not part of what is measured
            Practitioner.specialties.through.objects.all().delete()
            Practitioner.objects.all().delete()
        floor = bulk_create_floor(table)
        print(f"bulk_create floor: {floor:.1f} s; import is {import_seconds / floor:.1f}x the floor")
    return {
        "import_seconds": round(import_seconds, 2),
        "reimport_seconds": round(reimport_seconds, 2),
        "bulk_create_seconds": round(floor, 2),
        "peak_mb": round(peak, 1),
    }


def child_300k(rows: int, path: Path, bad: Path) -> dict:
    with throwaway_database():
        admin = setup_database()
        size = bad.stat().st_size / 1e6
        print(f"{connection.vendor}: {rows:,} rows and a bad one at the end, {size:.1f} MB CSV", flush=True)
        bad_seconds, outcome = timed_import(bad, admin)
        assert not outcome.ok and [p.line for p in outcome.problems] == [rows + 2], outcome.problems[:3]
        written = Practitioner.objects.count()
        print(f"bad row at line {rows + 2}: refused in {bad_seconds:.1f} s, {written} rows written", flush=True)
        import_seconds, outcome = timed_import(path, admin)
        assert outcome.ok and Practitioner.objects.count() == rows, outcome.problems[:5]
        peak = peak_mb()
        print(f"import: {import_seconds:.1f} s, {rows / import_seconds:,.0f} rows/s, peak {peak:.0f} MB", flush=True)
    return {
        "import_seconds": round(import_seconds, 2),
        "bad_row_at_end_written": written,
        "peak_mb": round(peak, 1),
    }


def run_script(*arguments: str) -> None:
    subprocess.run([sys.executable, __file__, *arguments], check=True)  # noqa: S603


def child(size: int, folder: Path) -> dict:
    """One size's run in a process of its own, so that its peak memory is its
    own; the files are written here first, so that making them is not counted."""
    # Written by processes of their own as well: a process's peak memory
    # (ru_maxrss) carries over into the children it starts, so this one stays small.
    run_script("--make", str(size), str(folder / f"{size}.csv"))
    if size > SIZES[0]:
        run_script("--make-bad", str(size), str(folder / f"{size}-bad.csv"))
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", str(size), str(folder)], check=True, stdout=subprocess.PIPE, text=True
    )
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    return json.loads(lines[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("--make", "--make-bad"):
        Path(sys.argv[3]).write_bytes(roster_csv(int(sys.argv[2]), bad_last_row=sys.argv[1] == "--make-bad"))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        translation.activate("zh-hans")
        rows, folder = int(sys.argv[2]), Path(sys.argv[3])
        if rows <= SIZES[0]:
            figures = child_100k(rows, folder / f"{rows}.csv")
        else:
            figures = child_300k(rows, folder / f"{rows}.csv", folder / f"{rows}-bad.csv")
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory() as folder:
        small, large = (child(size, Path(folder)) for size in SIZES)
    print(
        json.dumps(
            {
                "rows": SIZES[0],
                "import_seconds": small["import_seconds"],
                "reimport_seconds": small["reimport_seconds"],
                "bulk_create_seconds": small["bulk_create_seconds"],
                "peak_mb_100k": small["peak_mb"],
                "import_seconds_300k": large["import_seconds"],
                "peak_mb_300k": large["peak_mb"],
                "peak_ratio": round(large["peak_mb"] / small["peak_mb"], 2),
                "bad_row_at_end_written": large["bad_row_at_end_written"],
            }
        )
    )


if __name__ == "__main__":
    main()
