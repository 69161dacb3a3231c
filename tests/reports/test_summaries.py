"""The administrator dashboard reads its figures from a summary computed in the
background (reports/summaries.py): after every kind of change the summary is
marked stale, and once refreshed it equals a direct count."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from certificates.models import Certificate
from placements.models import Placement
from reports import figures, summaries
from reports.models import Summary
from talent.models import LearningRecord, Practitioner
from tests.factories import CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from training.models import CourseSession, Enrollment

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def direct(scope):
    return dataclasses.asdict(figures.administrator_dashboard(scope, timezone.localdate()))


def summarised(scope):
    return dataclasses.asdict(summaries.decode(Summary.objects.get(key=summaries.key_of(scope)).data))


def changes(city):
    """One change of every kind the dashboard counts."""
    session = CourseSession.objects.filter(course__base=city.training_base_a).first()
    return [
        ("new practitioner", lambda: PractitionerFactory(qualification_level="assistant")),
        ("practitioner changes level", lambda: _change_level(Practitioner.objects.first())),
        ("enrolment completed", lambda: EnrollmentFactory(session=session, status=Enrollment.Status.COMPLETED)),
        (
            "session finished",
            lambda: CourseSessionFactory(
                course=session.course,
                status=CourseSession.Status.FINISHED,
                start_date=datetime.date(city.year, 5, 1),
                end_date=datetime.date(city.year, 5, 2),
            ),
        ),
        ("placement withdrawn", lambda: _withdraw(Placement.objects.filter(status="confirmed").first())),
        ("certificate revoked", lambda: _revoke(Certificate.objects.filter(revoked_at=None).first())),
        (
            "learning record",
            lambda: LearningRecord.objects.create(
                practitioner=Practitioner.objects.first(),
                date=timezone.localdate(),
                hours=Decimal(3),
                title="课",
                source="external",
                note="会议证明",
            ),
        ),
        ("enrolment deleted", lambda: Enrollment.objects.filter(session=session, certificates=None).first().delete()),
    ]


def _change_level(practitioner):
    practitioner.qualification_level = "senior"
    practitioner.registration_date = datetime.date(2024, 3, 1)
    practitioner.save()


def _withdraw(placement):
    placement.status = Placement.Status.WITHDRAWN
    placement.save()


def _revoke(certificate):
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = "更正"
    certificate.save()


def test_summary_is_marked_stale_by_every_kind_of_change_and_equals_a_direct_count_once_refreshed(city):
    scope = figures.Scope(year=city.year)
    key = summaries.key_of(scope)
    for what, change in changes(city):
        summaries.refresh_summary.call(key)
        assert not Summary.objects.get(key=key).stale
        change()
        assert Summary.objects.get(key=key).stale, f"{what} did not mark the summary stale"
        summaries.refresh_summary.call(key)
        assert summarised(scope) == direct(scope), what


def test_the_page_shows_the_refreshed_figures_after_a_change(client, administrator, city):
    client.force_login(administrator)
    before = client.get("/", {"year": city.year}).context["board"].registry.total
    PractitionerFactory()
    after = client.get("/", {"year": city.year}).context["board"].registry.total
    assert after == before + 1


@override_settings(TASKS=DUMMY_TASKS)
def test_without_a_worker_the_page_says_the_figures_are_being_computed(client, administrator, city):
    client.force_login(administrator)
    response = client.get("/", {"year": city.year}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"The figures are being computed" in response.content
    assert Summary.objects.get(key=summaries.key_of(figures.Scope(year=city.year))).requested_at is not None


@override_settings(TASKS=DUMMY_TASKS)
def test_stale_figures_are_shown_with_their_time_and_refreshed_once(
    client, administrator, city, django_capture_on_commit_callbacks
):
    scope = figures.Scope(year=city.year)
    key = summaries.key_of(scope)
    summaries.refresh_summary.call(key)
    computed = Summary.objects.get(key=key).computed_at
    PractitionerFactory()
    client.force_login(administrator)
    response = client.get("/", {"year": city.year}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["summary"].stale
    assert response.context["summary"].computed_at == computed
    assert b"being refreshed" in response.content
    requested = Summary.objects.get(key=key).requested_at
    client.get("/", {"year": city.year})
    # Asked for once: the second view finds the request pending and does not queue another.
    assert Summary.objects.get(key=key).requested_at == requested


def test_old_summaries_are_refreshed_even_without_a_signal(client, administrator, city):
    scope = figures.Scope(year=city.year)
    key = summaries.key_of(scope)
    summaries.refresh_summary.call(key)
    # A bulk write sends no signal: the age limit catches it.
    Practitioner.objects.bulk_create([PractitionerFactory.build()])
    Summary.objects.filter(key=key).update(computed_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(administrator)
    board = client.get("/", {"year": city.year}).context["board"]
    assert board.registry.total == Practitioner.objects.filter(status="active").count()


def test_scope_keys_round_trip():
    for scope in (
        figures.Scope(year=2026),
        figures.Scope(year=2025, training_bases=[3, 1], practice_bases=None),
        figures.Scope(year=2025, training_bases=None, practice_bases=[]),
    ):
        back = summaries.scope_of(summaries.key_of(scope))
        assert back.year == scope.year
        assert back.training_bases == (None if scope.training_bases is None else sorted(scope.training_bases))
        assert back.practice_bases == scope.practice_bases
