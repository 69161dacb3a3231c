import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory, TrainingBaseFactory
from tests.importing import csv_file, problems_of, run
from training.models import Course, CourseSession, Enrollment
from training.resources import CourseResource, CourseSessionResource

pytestmark = pytest.mark.django_db


def round_trip(resource_class, queryset, user):
    with translation.override("zh-hans"):
        dataset = resource_class(user=user).export(queryset)
    return ("\ufeff" + dataset.export("csv")).encode()


# --- Courses --------------------------------------------------------------------


def test_courses_preview_then_import_creates_and_updates(administrator):
    base = TrainingBaseFactory(name="东北石油大学", short_name="东油")
    existing = CourseFactory(base=base, code="SW101", title="旧名称")
    content = csv_file(
        ["科研培训基地", "课程代码", "课程名称", "学时", "及格分", "topic", "minimum qualification level"],
        [
            ["东油", "SW101", "个案工作", "16", "60", "Community work", "社会工作师"],
            ["东北石油大学", "SW102", "小组工作", "8", "", "", ""],
        ],
    )

    preview = run("courses", content, administrator, dry_run=True)

    assert preview.ok, preview.problems
    assert (preview.totals["new"], preview.totals["update"]) == (1, 1)
    assert Course.objects.count() == 1

    outcome = run("courses", content, administrator)

    assert outcome.ok
    existing.refresh_from_db()
    assert (existing.title, existing.hours, existing.topic) == ("个案工作", Decimal("16"), "community")
    assert existing.minimum_qualification_level == "intermediate"
    assert Course.objects.get(code="SW102").topic == Course.Topic.OTHER


def test_bad_course_rows_name_their_column_and_nothing_is_written(administrator):
    TrainingBaseFactory(name="市委党校")
    content = csv_file(
        ["training base", "course code", "course title", "hours", "pass mark", "topic"],
        [
            ["市委党校", "A1", "政策法规", "0", "", ""],
            ["不存在的学校", "A2", "伦理", "8", "", ""],
            ["市委党校", "A3", "调解", "8", "120", "cooking"],
            ["市委党校", "A4", "督导", "8", "", ""],
        ],
    )

    outcome = run("courses", content, administrator)

    assert problems_of(outcome) == [(1, ""), (2, "training base"), (3, ""), (3, "topic")], outcome.problems
    assert "more than zero hours" in outcome.problems[0].message
    assert not Course.objects.exists()


def test_courses_export_then_import_changes_nothing(administrator):
    base = TrainingBaseFactory()
    CourseFactory(base=base, pass_mark=Decimal("60"), topic="ethics", description="=1+1")
    CourseFactory(base=base, hours=Decimal("7.5"), minimum_qualification_level="assistant")

    outcome = run("courses", round_trip(CourseResource, Course.objects.all(), administrator), administrator)

    assert outcome.ok, outcome.problems
    assert outcome.totals == {"new": 0, "update": 0, "skip": 2, "invalid": 0, "error": 0}


# --- Sessions -------------------------------------------------------------------


def test_sessions_preview_then_import_creates_and_updates(administrator):
    course = CourseFactory(code="SW101", base__name="八一农大")
    existing = CourseSessionFactory(course=course, start_date=datetime.date(2026, 9, 1), capacity=10)
    headers = ["培训基地", "课程代码", "开班日期", "结束日期", "名额", "报名开始", "报名截止", "状态"]
    content = csv_file(
        headers,
        [
            ["八一农大", "SW101", "2026-09-01", "2026-09-03", "20", "2026-08-01 9:00", "2026-08-25", "报名中"],
            ["", "sw101", "2026/10/01", "2026/10/03", "30", "2026-09-01", "2026-09-25", ""],
        ],
    )

    preview = run("sessions", content, administrator, dry_run=True)

    assert preview.ok, preview.problems
    assert (preview.totals["new"], preview.totals["update"]) == (1, 1)

    outcome = run("sessions", content, administrator)

    assert outcome.ok
    existing.refresh_from_db()
    assert existing.capacity == 20
    assert timezone.localtime(existing.enrollment_closes).strftime("%Y-%m-%d %H:%M:%S") == "2026-08-25 23:59:59"
    created = CourseSession.objects.get(start_date=datetime.date(2026, 10, 1))
    assert (created.course, created.status, created.capacity) == (course, CourseSession.Status.DRAFT, 30)


def test_a_lower_capacity_goes_through_the_service(administrator):
    session = CourseSessionFactory(capacity=2)
    EnrollmentFactory.create_batch(2, session=session)
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlist_order=1)
    resource_file = round_trip(CourseSessionResource, CourseSession.objects.all(), administrator)

    lowered = run("sessions", resource_file.replace(b",2,", b",1,"), administrator)

    assert problems_of(lowered) == [(1, "capacity")]
    assert CourseSession.objects.get().capacity == 2

    raised = run("sessions", resource_file.replace(b",2,", b",3,"), administrator)

    assert raised.ok, raised.problems
    assert Enrollment.objects.get(pk=waiting.pk).status == Enrollment.Status.ENROLLED


def test_bad_session_rows_are_reported(administrator):
    CourseFactory(code="SW101", base__name="甲大学")
    CourseFactory(code="SW101", base__name="乙大学")
    content = csv_file(
        ["course code", "start date", "end date", "capacity", "enrolment opens", "enrolment closes", "status"],
        [
            ["SW101", "2026-09-01", "2026-09-03", "20", "2026-08-01", "2026-08-25", ""],
            ["XX", "2026-09-01", "2026-08-03", "-1", "tomorrow", "2026-08-25", "Finished"],
        ],
    )

    outcome = run("sessions", content, administrator)

    columns = problems_of(outcome)
    assert (1, "course code") in columns
    assert "give the training base" in outcome.problems[0].message
    assert {(2, "course code"), (2, "enrolment opens"), (2, "status")} <= set(columns)
    assert not CourseSession.objects.exists()


def test_sessions_export_then_import_changes_nothing(administrator):
    opens = timezone.make_aware(datetime.datetime(2026, 8, 1, 9, 0))
    for start in (datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)):
        CourseSessionFactory(
            start_date=start,
            enrollment_opens=opens,
            enrollment_closes=opens + datetime.timedelta(days=20, seconds=30),
            location="=大庆",
        )

    content = round_trip(CourseSessionResource, CourseSession.objects.all(), administrator)
    outcome = run("sessions", content, administrator)

    assert outcome.ok, outcome.problems
    assert outcome.totals == {"new": 0, "update": 0, "skip": 2, "invalid": 0, "error": 0}
