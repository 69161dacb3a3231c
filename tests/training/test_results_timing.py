"""Nothing is recorded before it happened: results and finishing wait for the
session's end date, unless an administrator records, with a reason, that a
session under way really ended early (its end date then becomes that day)."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override as language

from talent.models import LearningRecord
from tests.factories import CourseSessionFactory, EnrollmentFactory, TrainingBaseFactory
from tests.importing import csv_file, problems_of, run
from training import services
from training.models import CourseSession, Enrollment
from training.services import Result

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def session_at(base, *, start: int, end: int, **fields) -> CourseSession:
    """A session of `base` running from `start` to `end` days from today."""
    fields.setdefault("status", CourseSession.Status.CLOSED)
    return CourseSessionFactory(
        course__base=base, course__hours=Decimal("10"), start_date=days(start), end_date=days(end), **fields
    )


def seated(session) -> Enrollment:
    return EnrollmentFactory(session=session, status=Enrollment.Status.ENROLLED)


def full_attendance(enrollment) -> dict:
    return {enrollment.pk: Result(attended_hours=Decimal("10"))}


def early_entries(session):
    return LogEntry.objects.get_for_object(session).filter(action=LogEntry.Action.ACCESS)


@pytest.fixture
def under_way(training_base_a):
    """Started yesterday, ends tomorrow."""
    return session_at(training_base_a, start=-1, end=1)


# --- The services ---------------------------------------------------------------


def test_a_coordinator_cannot_record_results_before_the_end_date(under_way, coordinator_a):
    enrollment = seated(under_way)

    with pytest.raises(services.EnrollmentRefused) as refused:
        services.record_results(session=under_way, results=full_attendance(enrollment), by=coordinator_a)

    assert refused.value.code == "before_end"
    assert date_format(under_way.end_date) in refused.value.message
    enrollment.refresh_from_db()
    assert enrollment.attended_hours is None


def test_a_coordinator_cannot_finish_a_session_before_the_end_date(under_way, coordinator_a):
    enrollment = seated(under_way)

    with pytest.raises(services.EnrollmentRefused) as refused:
        services.finish_session(session=under_way, by=coordinator_a)

    assert refused.value.code == "before_end"
    assert CourseSession.objects.get(pk=under_way.pk).status == CourseSession.Status.CLOSED
    assert Enrollment.objects.get(pk=enrollment.pk).finished_at is None
    assert not LearningRecord.objects.exists()


def test_results_and_finishing_are_allowed_on_the_end_date(training_base_a, coordinator_a):
    session = session_at(training_base_a, start=-2, end=0)
    enrollment = seated(session)

    services.record_results(session=session, results=full_attendance(enrollment), by=coordinator_a)
    summary = services.finish_session(session=session, by=coordinator_a)

    assert summary.completed == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert timezone.localtime(enrollment.finished_at).date() >= session.end_date
    assert CourseSession.objects.get(pk=session.pk).end_date == days(0)
    assert not early_entries(session).exists()


def test_an_administrator_finishing_early_moves_the_end_date_to_today_and_is_audited(under_way, administrator):
    enrollment = seated(under_way)

    summary = services.finish_session(
        session=under_way, by=administrator, ended_early=True, reason="暴雪停课，提前结业"
    )

    assert summary.failed == 1
    session = CourseSession.objects.get(pk=under_way.pk)
    assert (session.status, session.end_date) == (CourseSession.Status.FINISHED, days(0))
    assert timezone.localtime(Enrollment.objects.get(pk=enrollment.pk).finished_at).date() == session.end_date
    entry = early_entries(session).get()
    assert entry.actor == administrator
    assert entry.additional_data == {"event": "finish_early", "reason": "暴雪停课，提前结业"}


def test_an_administrator_recording_results_early_moves_the_end_date_and_is_audited(under_way, administrator):
    enrollment = seated(under_way)

    services.record_results(
        session=under_way, results=full_attendance(enrollment), by=administrator, ended_early=True, reason="提前结课"
    )
    # The session has now ended (today), so finishing needs no second override.
    services.finish_session(session=under_way, by=administrator)

    session = CourseSession.objects.get(pk=under_way.pk)
    assert (session.status, session.end_date) == (CourseSession.Status.FINISHED, days(0))
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED
    assert LearningRecord.objects.get().date == days(0)
    entry = early_entries(session).get()
    assert (entry.actor, entry.additional_data["event"]) == (administrator, "results_early")


def test_an_administrator_without_the_override_is_refused_like_anyone(under_way, administrator):
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.finish_session(session=under_way, by=administrator, reason="提前结课")
    assert refused.value.code == "before_end"


def test_ending_early_is_refused_before_the_session_starts(training_base_a, administrator):
    session = session_at(training_base_a, start=2, end=4)

    with pytest.raises(services.EnrollmentRefused) as refused:
        services.finish_session(session=session, by=administrator, ended_early=True, reason="取消")

    assert refused.value.code == "not_started"
    session.refresh_from_db()
    assert (session.status, session.end_date) == (CourseSession.Status.CLOSED, days(4))
    assert not early_entries(session).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_ending_early_is_refused_without_a_reason(under_way, administrator, reason):
    enrollment = seated(under_way)

    with pytest.raises(services.EnrollmentRefused) as refused:
        services.record_results(
            session=under_way, results=full_attendance(enrollment), by=administrator, ended_early=True, reason=reason
        )

    assert refused.value.code == "reason_required"
    assert CourseSession.objects.get(pk=under_way.pk).end_date == days(1)
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours is None


def test_a_coordinator_cannot_end_a_session_early(under_way, coordinator_a):
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.finish_session(session=under_way, by=coordinator_a, ended_early=True, reason="提前结课")

    assert refused.value.code == "early_not_allowed"
    under_way.refresh_from_db()
    assert (under_way.status, under_way.end_date) == (CourseSession.Status.CLOSED, days(1))
    assert not early_entries(under_way).exists()


def test_a_coordinator_of_another_base_cannot_record_results_or_finish(training_base_a, coordinator_b):
    TrainingBaseFactory().coordinators.add(coordinator_b)
    session = session_at(training_base_a, start=-3, end=-1)
    enrollment = seated(session)

    with pytest.raises(services.EnrollmentRefused) as results_refused:
        services.record_results(session=session, results=full_attendance(enrollment), by=coordinator_b)
    with pytest.raises(services.EnrollmentRefused) as finish_refused:
        services.finish_session(session=session, by=coordinator_b)

    assert (results_refused.value.code, finish_refused.value.code) == ("not_allowed", "not_allowed")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.attended_hours) == (Enrollment.Status.ENROLLED, None)


# --- The pages ------------------------------------------------------------------


@pytest.fixture
def administrator_client(client, administrator, settings):
    # These pages are not about the second factor, which administrators are
    # otherwise sent to set up first.
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    client.force_login(administrator)
    return client


def results_post(enrollment, hours="10", **extra) -> dict:
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-enrollment": str(enrollment.pk),
        "form-0-attended_hours": hours,
        **extra,
    }


def test_the_results_page_says_why_a_coordinator_must_wait_and_refuses_a_post(client, under_way, coordinator_a):
    enrollment = seated(under_way)
    client.force_login(coordinator_a)
    url = reverse("training:session-results", args=[under_way.pk])

    page = client.get(url).content.decode()
    response = client.post(url, results_post(enrollment), follow=True)

    with language("zh-hans"):
        expected = date_format(under_way.end_date)
    assert 'data-testid="results-wait"' in page and expected in page
    assert "form-0-attended_hours" not in page
    assert 'data-testid="results-early"' not in page
    assert expected in " ".join(str(m) for m in response.context["messages"])
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours is None


def test_the_finish_button_of_a_coordinator_is_refused_before_the_end_date(client, under_way, coordinator_a):
    seated(under_way)
    client.force_login(coordinator_a)

    roster = client.get(reverse("training:session-roster", args=[under_way.pk])).content.decode()
    client.post(reverse("training:session-finish", args=[under_way.pk]))

    assert 'data-testid="results-wait"' in roster
    assert reverse("training:session-finish", args=[under_way.pk]) not in roster
    assert CourseSession.objects.get(pk=under_way.pk).status == CourseSession.Status.CLOSED


def test_an_administrator_records_results_early_through_the_results_page(administrator_client, under_way):
    enrollment = seated(under_way)
    url = reverse("training:session-results", args=[under_way.pk])

    page = administrator_client.get(url).content.decode()
    administrator_client.post(url, results_post(enrollment, **{"early-ended_early": "on", "early-reason": "提前结课"}))

    assert 'data-testid="results-early"' in page and 'name="early-reason"' in page
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours == Decimal("10")
    assert CourseSession.objects.get(pk=under_way.pk).end_date == days(0)
    assert early_entries(under_way).get().additional_data["event"] == "results_early"


def test_an_administrator_finishes_early_from_the_roster(administrator_client, under_way):
    seated(under_way)
    roster = administrator_client.get(reverse("training:session-roster", args=[under_way.pk])).content.decode()

    administrator_client.post(
        reverse("training:session-finish", args=[under_way.pk]),
        {"early-ended_early": "on", "early-reason": "场地停用"},
    )

    assert 'data-testid="finish-early"' in roster
    under_way.refresh_from_db()
    assert (under_way.status, under_way.end_date) == (CourseSession.Status.FINISHED, days(0))
    assert early_entries(under_way).get().additional_data["reason"] == "场地停用"


def test_an_administrator_is_not_offered_an_early_end_before_the_start(administrator_client, training_base_a):
    session = session_at(training_base_a, start=3, end=5)

    roster = administrator_client.get(reverse("training:session-roster", args=[session.pk])).content.decode()
    results = administrator_client.get(reverse("training:session-results", args=[session.pk])).content.decode()

    assert 'data-testid="results-wait"' in roster and 'data-testid="finish-early"' not in roster
    assert "form-0-attended_hours" not in results


# --- The import -----------------------------------------------------------------


@pytest.mark.parametrize("importer", ["coordinator_a", "administrator"])
def test_a_results_file_before_the_end_date_is_refused_once_for_the_whole_file(under_way, importer, request):
    user = request.getfixturevalue(importer)
    people = [seated(under_way) for _ in range(3)]
    content = csv_file(["resident ID", "attended hours"], [[e.trainee.resident_id, "10"] for e in people])

    outcome = run("results", content, user=user, session=under_way)

    assert problems_of(outcome) == [(1, "")]
    message = outcome.problems[0].message
    with language("en"):
        assert date_format(under_way.end_date) in message and "2 more rows" in message
    assert not Enrollment.objects.filter(attended_hours__isnull=False).exists()
    assert CourseSession.objects.get(pk=under_way.pk).status == CourseSession.Status.CLOSED


def test_a_results_file_with_nothing_to_change_is_still_not_finished_before_the_end_date(under_way, administrator):
    recorded = EnrollmentFactory(session=under_way, status=Enrollment.Status.ENROLLED, attended_hours=Decimal("10"))
    content = csv_file(["resident ID", "attended hours"], [[recorded.trainee.resident_id, "10"]])

    outcome = run("results", content, user=administrator, session=under_way)

    assert problems_of(outcome) == [(0, "")]
    with language("en"):
        assert date_format(under_way.end_date) in outcome.problems[0].message
    assert CourseSession.objects.get(pk=under_way.pk).status == CourseSession.Status.CLOSED


def test_a_results_file_for_another_bases_session_is_refused(training_base_a, coordinator_b):
    TrainingBaseFactory().coordinators.add(coordinator_b)
    session = session_at(training_base_a, start=-3, end=-1)
    enrollment = seated(session)
    content = csv_file(["resident ID", "attended hours"], [[enrollment.trainee.resident_id, "10"]])

    outcome = run("results", content, user=coordinator_b, session=session)

    assert problems_of(outcome) == [(1, "")]
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours is None
