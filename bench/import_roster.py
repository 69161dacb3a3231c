"""Benchmark: a 100,000-row practitioner roster through the import.

In a throwaway test database (PostgreSQL when DATABASE_URL points there,
SQLite otherwise; the real database is never touched) it:

- writes a CSV of 100,000 practitioners (valid resident IDs, Chinese names,
  200 organizations, the six sub-districts, one or two specialties each);
- imports it through `talent.importing.run_import`, the path the admin and
  the `import_roster` command use (checks, bulk writes, specialties, audit
  entries, the import record);
- imports the same file again (every row unchanged, nothing written);
- as the floor, times a plain `bulk_create` of the same 100,000 rows (with
  their specialty rows) into an emptied table.

Targets: the import under 60 s, within 4x of the floor, peak memory < 1 GB.

Run from the repository root: .venv/bin/python bench/import_roster.py [ROWS]
The last line printed is one JSON object with the figures.
"""

import csv
import datetime
import io
import json
import random
import resource
import sys
import time

from _django import throwaway_database

# isort: split

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import connection
from django.utils import translation

from talent import resident_id
from talent.importing import KINDS, run_import
from talent.models import Organization, Practitioner, SubDistrict, User

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
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


def roster_csv(rows: int) -> bytes:
    rng = random.Random(2026)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["姓名", "身份证号", "手机号码", "工作单位", "单位性质", "人员类别", "职业资格", "登记日期", "专业领域", "街道"]
    )
    for n in range(rows):
        writer.writerow(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) * rng.randint(0, 1),
                make_resident_id(n),
                f"13{rng.randint(0, 999_999_999):09d}",
                f"大庆市第{n % ORGANIZATIONS + 1}社会工作服务中心",
                "社会工作服务机构",
                rng.choice(KINDS_ZH),
                rng.choice(LEVELS),
                f"{rng.randint(2020, 2025)}-{rng.randint(1, 12):02d}-01",
                "、".join(rng.sample(SPECIALTIES, rng.randint(1, 2))),
                rng.choice(SUB_DISTRICTS),
            ]
        )
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


def main() -> None:
    translation.activate("zh-hans")
    with throwaway_database():
        for i, name in enumerate(SUB_DISTRICTS):
            SubDistrict.objects.create(code=f"SD{i}", name=name, district="萨尔图区")
        admin = User.objects.create_superuser(email="bench@example.com", password=None)
        content = roster_csv(ROWS)
        print(f"{connection.vendor}: {ROWS:,} rows, {len(content) / 1e6:.1f} MB CSV")

        started = time.perf_counter()
        outcome = run_import(
            kind=KINDS["practitioners"], content=content, file_name="roster.csv", user=admin, dry_run=False
        )
        import_seconds = time.perf_counter() - started
        assert outcome.ok, outcome.problems[:5]
        assert Practitioner.objects.count() == ROWS and outcome.totals["new"] == ROWS
        print(f"import: {import_seconds:.1f} s, {ROWS / import_seconds:,.0f} rows/s")
        print(f"  audit entries: {LogEntry.objects.count():,}")

        started = time.perf_counter()
        outcome = run_import(
            kind=KINDS["practitioners"], content=content, file_name="roster.csv", user=admin, dry_run=False
        )
        reimport_seconds = time.perf_counter() - started
        assert outcome.ok and outcome.totals["skip"] == ROWS, outcome.totals
        print(f"re-import (unchanged): {reimport_seconds:.1f} s, {ROWS / reimport_seconds:,.0f} rows/s")

        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]
        with disable_auditlog():  # clearing the table is not part of what is measured
            Practitioner.specialties.through.objects.all().delete()
            Practitioner.objects.all().delete()
        floor = bulk_create_floor(rows)
        print(f"bulk_create floor: {floor:.1f} s; import is {import_seconds / floor:.1f}x the floor")
    print(
        json.dumps(
            {
                "rows": ROWS,
                "import_seconds": round(import_seconds, 2),
                "reimport_seconds": round(reimport_seconds, 2),
                "bulk_create_seconds": round(floor, 2),
                "peak_mb": round(peak_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
