"""`manage.py reconcile_completions`: what a crash or a race left behind is
completed and certified; a revoked certificate stays revoked; a second run
finds nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position
from tests.factories import PractitionerFactory, meet_internship_requirements


@pytest.fixture
def make_placement(base_a):
    """A placement with its 16 hours approved and both evaluations in, stored
    in the given status by a direct update: no service has settled it."""
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="2026 春季实习",
        internship_start=today - datetime.timedelta(days=30),
        internship_end=today + datetime.timedelta(days=30),
        preference_deadline=timezone.now() - datetime.timedelta(days=40),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=16,
    )
    supervisor = PractitionerFactory(qualification_level="intermediate", qualification_certificate_number="Z1")

    def make(*, status=Placement.Status.CONFIRMED, tutor_score=90):
        position = Position.objects.create(
            round=round,
            base=base_a,
            code=f"P{Position.objects.count()}",
            title="社区岗",
            capacity=1,
            supervisor=supervisor,
        )
        tutor = PractitionerFactory()
        placement = Placement.objects.create(
            trainee=PractitionerFactory(), round=round, position=position, tutor=tutor, status="confirmed"
        )
        meet_internship_requirements(placement)
        for days in (1, 2):
            HourLog.objects.create(
                placement=placement,
                date=today - datetime.timedelta(days=days),
                hours=8,
                activity="x",
                status="approved",
            )
        Evaluation.objects.create(placement=placement, mentor=supervisor, role="supervisor", score=85)
        Evaluation.objects.create(placement=placement, mentor=tutor, role="tutor", score=tutor_score)
        Placement.objects.filter(pk=placement.pk).update(status=status)
        placement.refresh_from_db()
        return placement

    return make


def reconcile() -> str:
    out = StringIO()
    call_command("reconcile_completions", stdout=out)
    return out.getvalue()


def test_a_placement_left_confirmed_is_completed_and_certified(make_placement):
    stuck = make_placement()

    output = reconcile()

    stuck.refresh_from_db()
    assert stuck.status == Placement.Status.COMPLETED
    assert stuck.completed_at is not None
    certificate = Certificate.objects.get(placement=stuck)
    assert (certificate.hours, certificate.holder) == (Decimal(16), stuck.trainee)
    assert "left behind that met the completion rule: 1 (1 completed, 0 not passed)" in output
    assert "certificates issued: 1." in output


def test_a_second_run_does_nothing(make_placement):
    make_placement()
    reconcile()

    output = reconcile()

    assert "left behind that met the completion rule: 0 " in output
    assert "certificates issued: 0." in output
    assert Certificate.objects.count() == 1


def test_a_completed_placement_without_a_certificate_gets_one(make_placement):
    completed = make_placement(status=Placement.Status.COMPLETED)

    output = reconcile()

    assert Certificate.objects.get(placement=completed).hours == Decimal(16)
    assert "left behind that met the completion rule: 0 " in output
    assert "certificates issued: 1." in output


def test_a_revoked_certificate_is_not_issued_again(make_placement, administrator):
    completed = make_placement(status=Placement.Status.COMPLETED)
    certificate = services.issue_for_placement(completed, Decimal(16))
    services.revoke(certificate=certificate, reason="岗位名称有误", by=administrator)

    output = reconcile()

    assert list(Certificate.objects.filter(placement=completed)) == [certificate]
    assert "certificates issued: 0." in output


def test_a_failing_evaluation_fails_the_placement_without_a_certificate(make_placement):
    stuck = make_placement(tutor_score=30)

    output = reconcile()

    stuck.refresh_from_db()
    assert stuck.status == Placement.Status.FAILED
    assert not Certificate.objects.exists()
    assert "(0 completed, 1 not passed)" in output
