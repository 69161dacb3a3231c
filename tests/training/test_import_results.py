import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.factories import CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from tests.importing import csv_file, problems_of, run
from training import services
from training.models import CourseSession, Enrollment
from training.resources import ResultResource

pytestmark = pytest.mark.django_db


def import_results(content, *, session, user, dry_run=False):
    return run("results", content, user=user, dry_run=dry_run, session=session)


def ended_session(**fields) -> CourseSession:
    """A session that ran this week and ended yesterday: its results are due."""
    return CourseSessionFactory(start_date=timezone.localdate() - datetime.timedelta(days=3), **fields)


@pytest.fixture
def session():
    return ended_session(course__hours=Decimal("10"), course__pass_mark=Decimal("60"), status="closed")


def seated(session, **fields) -> Enrollment:
    return EnrollmentFactory(session=session, status=Enrollment.Status.ENROLLED, **fields)


def test_preview_counts_then_the_import_records_and_finishes(session, administrator):
    passing, failing = seated(session), seated(session)
    content = csv_file(
        ["姓名", "身份证号", "出勤学时", "成绩"],
        [
            [passing.trainee.name, passing.trainee.resident_id, "9", "80"],
            [failing.trainee.name, failing.trainee.resident_id, "9", "50"],
        ],
    )

    preview = import_results(content, session=session, user=administrator, dry_run=True)

    assert preview.ok
    assert preview.totals["update"] == 2
    assert preview.notices == ["The session will be finished: 1 complete the course, 1 do not pass."]
    passing.refresh_from_db()
    session.refresh_from_db()
    assert passing.attended_hours is None and session.status == CourseSession.Status.CLOSED

    outcome = import_results(content, session=session, user=administrator)

    assert outcome.ok
    assert outcome.notices == ["The session is finished: 1 completed the course, 1 did not pass."]
    passing.refresh_from_db()
    failing.refresh_from_db()
    session.refresh_from_db()
    assert (passing.attended_hours, passing.score, passing.status) == (Decimal("9"), Decimal("80"), "completed")
    assert (failing.score, failing.status) == (Decimal("50"), "failed")
    assert session.status == CourseSession.Status.FINISHED


def test_people_missing_from_the_file_are_named(session, administrator):
    listed, missing = seated(session), seated(session, trainee__name="缺席者")
    content = csv_file(["身份证号", "出勤学时", "成绩"], [[listed.trainee.resident_id, "10", "90"]])

    outcome = import_results(content, session=session, user=administrator, dry_run=True)

    assert outcome.ok
    assert "缺席者" in outcome.notices[0]
    assert outcome.notices[1] == "The session will be finished: 1 complete the course, 1 do not pass."
    assert Enrollment.objects.get(pk=missing.pk).status == Enrollment.Status.ENROLLED


def test_bad_rows_are_reported_and_nothing_is_written(session, administrator):
    good, waiting = seated(session), EnrollmentFactory(session=session, status="waitlisted", waitlist_order=1)
    stranger = PractitionerFactory()
    content = csv_file(
        ["resident ID", "attended hours", "score"],
        [
            [good.trainee.resident_id, "8", "70"],
            [waiting.trainee.resident_id, "8", "70"],
            [stranger.resident_id, "8", "70"],
            [good.trainee.resident_id, "12", "70"],
        ],
    )

    outcome = import_results(content, session=session, user=administrator)

    assert problems_of(outcome) == [(2, "resident ID"), (3, "resident ID"), (4, "resident ID")]
    assert "waitlist" in outcome.problems[0].message
    assert "not enrolled" in outcome.problems[1].message
    good.refresh_from_db()
    session.refresh_from_db()
    assert good.attended_hours is None and session.status == CourseSession.Status.CLOSED


def test_out_of_range_values_are_the_services_refusals_under_their_column(session, administrator):
    first, second = seated(session), seated(session)
    content = csv_file(
        ["resident ID", "attended hours", "score"],
        [[first.trainee.resident_id, "11", "70"], [second.trainee.resident_id, "8", "101"], ["", "x", ""]],
    )

    outcome = import_results(content, session=session, user=administrator)

    assert problems_of(outcome) == [(1, "attended hours"), (2, "score"), (3, "attended hours"), (3, "resident ID")]
    assert "between 0 and 10" in outcome.problems[0].message
    assert not Enrollment.objects.filter(attended_hours__isnull=False).exists()


def test_a_draft_session_cannot_be_finished_and_nothing_is_written(administrator):
    session = ended_session(status="draft")
    enrollment = seated(session)
    content = csv_file(["resident ID", "attended hours"], [[enrollment.trainee.resident_id, "10"]])

    outcome = import_results(content, session=session, user=administrator)

    assert problems_of(outcome) == [(0, "")]
    enrollment.refresh_from_db()
    assert enrollment.attended_hours is None


def test_unchanged_rows_are_skipped(session, administrator):
    recorded = seated(session, attended_hours=Decimal("10"), score=Decimal("90"))
    content = csv_file(["resident ID", "attended hours", "score"], [[recorded.trainee.resident_id, "10", "90.0"]])

    outcome = import_results(content, session=session, user=administrator, dry_run=True)

    assert outcome.ok
    assert outcome.totals["skip"] == 1


def test_export_then_import_of_a_finished_session_changes_nothing(session, administrator):
    for hours, score in (("10", "90"), ("5", "40")):
        seated(session, attended_hours=Decimal(hours), score=Decimal(score), result_note="备注")
    EnrollmentFactory(session=session, status="cancelled")
    services.finish_session(session=session, by=administrator)

    with translation.override("zh-hans"):
        resource = ResultResource(user=administrator, session=session)
        dataset = resource.export(resource.get_export_queryset())
    assert dataset.headers[:4] == ["姓名", "身份证号", "出勤学时", "成绩"]
    content = ("\ufeff" + dataset.export("csv")).encode()

    outcome = import_results(content, session=session, user=administrator)

    assert outcome.ok, outcome.problems
    assert outcome.totals == {"new": 0, "update": 0, "skip": 2, "invalid": 0, "error": 0}
    assert outcome.notices == ["The session was already finished."]


def test_changing_a_finished_sessions_results_is_refused(session, administrator):
    done = seated(session, attended_hours=Decimal("10"), score=Decimal("90"))
    session.status = CourseSession.Status.FINISHED
    session.save()
    content = csv_file(["resident ID", "attended hours", "score"], [[done.trainee.resident_id, "10", "95"]])

    outcome = import_results(content, session=session, user=administrator)

    assert problems_of(outcome) == [(1, "")]
    assert "finished" in outcome.problems[0].message


def test_the_template_reads_back_as_a_file(session, administrator):
    with translation.override("zh-hans"):
        template = ResultResource(user=administrator).template()
    assert template.headers == ["姓名", "身份证号", "出勤学时", "成绩", template.headers[4]]

    outcome = import_results(("\ufeff" + template.export("csv")).encode(), session=session, user=administrator)

    assert problems_of(outcome) == [(1, "resident ID")]  # the example person is not in the registry
