"""Benchmark: certificate PDFs.

Measures, in a throwaway test database (PostgreSQL when DATABASE_URL points
there, SQLite otherwise; the real database is never touched) and a temporary
MEDIA_ROOT:

- single-process rendering: 20 certificates rendered one by one with
  `certificates.pdf.render_pdf` (not stored), median seconds each;
- the batch path: 200 completed enrolments through `services.issue_in_chunks`
  with CERTIFICATE_RENDER_PROCESSES = the number of cores, the worker pool's
  start-up included; then the median and largest stored PDF and the peak memory.

Run from the repository root: .venv/bin/python bench/certificates.py
The last line printed is one JSON object with the figures.
"""

import datetime
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from certificates import pdf, services  # noqa: E402
from certificates.models import Certificate, new_verification_code  # noqa: E402
from talent import resident_id  # noqa: E402
from talent.models import Practitioner  # noqa: E402
from training.models import Course, CourseSession, Enrollment, TrainingBase  # noqa: E402

CERTIFICATES = 200
SINGLE = 20
BATCH_SECONDS_LIMIT = 25
MEDIAN_KB_LIMIT = 150

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "文博", "思远", "雨涵", "子轩", "欣怡", "浩然", "婉清", "志强",
]  # fmt: skip


def chinese_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7 + n // len(SURNAMES)) % len(GIVEN)]


def make_resident_id(n: int) -> str:
    born = datetime.date(1975, 1, 1) + datetime.timedelta(days=n * 37)
    first_17 = f"230602{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def completed_enrollments(count: int) -> list[Enrollment]:
    base = TrainingBase.objects.create(name="黑龙江八一农垦大学", kind=TrainingBase.Kind.UNIVERSITY)
    course = Course.objects.create(base=base, code="BENCH-1", title="社会工作实务基础", hours=24)
    now, today = timezone.now(), timezone.localdate()
    session = CourseSession.objects.create(
        course=course,
        start_date=today - datetime.timedelta(days=10),
        end_date=today - datetime.timedelta(days=8),
        capacity=count,
        enrollment_opens=now - datetime.timedelta(days=40),
        enrollment_closes=now - datetime.timedelta(days=12),
        status=CourseSession.Status.FINISHED,
    )
    Practitioner.objects.bulk_create(
        Practitioner(name=chinese_name(n), resident_id=make_resident_id(n), mobile=f"139{n:08d}") for n in range(count)
    )
    trainees = list(Practitioner.objects.order_by("pk"))
    Enrollment.objects.bulk_create(
        Enrollment(session=session, trainee=trainee, status=Enrollment.Status.COMPLETED) for trainee in trainees
    )
    return list(Enrollment.objects.filter(session=session).select_related("trainee", "session__course__base"))


def render_one_by_one(sources: list[services.Source]) -> list[float]:
    """Render without storing, as `services._data` builds the data; seconds per certificate."""
    year = timezone.localdate().year
    timings = []
    for n, source in enumerate(sources, start=1):
        data = pdf.CertificateData(
            serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-T-{900000 + n:06d}",
            kind=source.kind,
            holder_name=source.holder.name,
            title=source.title,
            hours=source.hours,
            issuing_base=source.issuing_base,
            start_date=source.start_date,
            end_date=source.end_date,
            issued_on=timezone.localdate(),
            verify_url=f"{settings.SITE_BASE_URL}/verify/{new_verification_code()}/",
            language=services.holder_language(source.holder),
        )
        started = time.perf_counter()
        pdf.render_pdf(data)
        timings.append(time.perf_counter() - started)
    return timings


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest worker, in MB (ru_maxrss is in KB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run() -> dict:
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); media: {settings.MEDIA_ROOT}")
    enrollments = completed_enrollments(CERTIFICATES + SINGLE)
    sources = [services.source_for_enrollment(e) for e in enrollments]
    single_sources, batch_sources = sources[:SINGLE], sources[SINGLE:]

    settings.CERTIFICATE_RENDER_PROCESSES = 1
    timings = render_one_by_one(single_sources)
    single_median = statistics.median(timings)
    print(f"Single process: {SINGLE} certificates, median {single_median:.3f} s, slowest {max(timings):.3f} s")

    processes = os.cpu_count() or 1
    settings.CERTIFICATE_RENDER_PROCESSES = processes
    started = time.perf_counter()
    issued = services.issue_in_chunks(batch_sources)
    batch_seconds = time.perf_counter() - started
    if pdf._pool is not None:  # join the workers, so their memory counts in RUSAGE_CHILDREN
        pdf._pool.shutdown(wait=True)
        pdf._pool = None
    stored = Certificate.objects.count()
    print(
        f"Batch: {issued} certificates on {processes} processes in {batch_seconds:.1f} s "
        f"({issued / batch_seconds:.1f}/s, pool start-up included); {stored} stored"
    )
    if stored != CERTIFICATES:
        print(f"!!! WARNING: expected {CERTIFICATES} stored certificates, found {stored} !!!")

    sizes_kb = [
        Path(settings.MEDIA_ROOT, name).stat().st_size / 1024
        for name in Certificate.objects.values_list("pdf", flat=True)
    ]
    median_kb, max_kb = statistics.median(sizes_kb), max(sizes_kb)
    own_mb, worker_mb = peak_mb()
    memory = own_mb + worker_mb
    print(f"PDF size: median {median_kb:.1f} KB, largest {max_kb:.1f} KB")
    print(f"Peak memory: {memory:.0f} MB (this process {own_mb:.0f} MB + largest worker {worker_mb:.0f} MB)")
    if batch_seconds >= BATCH_SECONDS_LIMIT:
        print(f"!!! WARNING: the batch took {batch_seconds:.1f} s, over the {BATCH_SECONDS_LIMIT} s budget !!!")
    if median_kb >= MEDIAN_KB_LIMIT:
        print(f"!!! WARNING: the median PDF is {median_kb:.1f} KB, over the {MEDIAN_KB_LIMIT} KB budget !!!")

    return {
        "certificates": stored,
        "batch_seconds": round(batch_seconds, 2),
        "single_median_seconds": round(single_median, 3),
        "median_kb": round(median_kb, 1),
        "max_kb": round(max_kb, 1),
        "peak_mb": round(memory, 1),
    }


if __name__ == "__main__":
    media_root = tempfile.mkdtemp(prefix="bench-certificates-")
    settings.MEDIA_ROOT = media_root
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        figures = run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(media_root, ignore_errors=True)
    print(json.dumps(figures))
