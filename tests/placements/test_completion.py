"""Completing a placement: one lock, one rule, announced after the commit."""

import ast
import datetime
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from certificates import receivers
from certificates.models import Certificate
from placements import services
from placements.models import Evaluation, HourLog, Placement
from placements.signals import placement_completed
from tests.factories import PractitionerFactory, meet_internship_requirements


@pytest.fixture
def nearly_done(round_a, base_a, make_position, supervisor):
    """Build confirmed placements that lack only their last hour approval and
    their last evaluation: 16 hours required, 8 approved and 8 awaiting
    approval; the supervisor has evaluated, the tutor has not."""

    def make():
        position = make_position(round_a, base_a)
        tutor = PractitionerFactory()
        placement = Placement.objects.create(
            trainee=PractitionerFactory(), round=round_a, position=position, tutor=tutor, status="confirmed"
        )
        meet_internship_requirements(placement)
        today = timezone.localdate()
        HourLog.objects.create(placement=placement, date=today, hours=Decimal(8), activity="x", status="approved")
        last_log = HourLog.objects.create(
            placement=placement, date=today - datetime.timedelta(days=1), hours=Decimal(8), activity="x"
        )
        Evaluation.objects.create(placement=placement, mentor=supervisor, role="supervisor", score=Decimal(80))
        return placement, last_log, tutor

    return make


@pytest.fixture
def announced():
    """The placements announced as completed, in order."""
    seen = []

    def record(sender, *, placement, approved_hours, **kwargs):
        seen.append((placement.pk, approved_hours))

    placement_completed.connect(record, dispatch_uid="test-announced")
    yield seen
    placement_completed.disconnect(dispatch_uid="test-announced")


def test_completion_is_announced_only_after_the_commit(
    nearly_done, coordinator_a, announced, django_capture_on_commit_callbacks
):
    placement, last_log, tutor = nearly_done()
    services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.review_hour_log(log=last_log, approve=True, by=coordinator_a)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED
    assert announced == []  # nothing has committed yet
    for callback in callbacks:
        callback()
    assert announced == [(placement.pk, Decimal(16))]


def test_completion_issues_the_certificate_through_the_signal(
    nearly_done, coordinator_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path
    placement, last_log, tutor = nearly_done()
    services.review_hour_log(log=last_log, approve=True, by=coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90))
    certificate = Certificate.objects.get(placement=placement)
    assert certificate.hours == Decimal(16)


def test_a_failing_receiver_leaves_the_completion_standing(
    nearly_done, coordinator_a, announced, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise RuntimeError("disk full")

    placement_completed.connect(broken, dispatch_uid="test-broken")
    try:
        placement, last_log, tutor = nearly_done()
        services.review_hour_log(log=last_log, approve=True, by=coordinator_a)
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90))
    finally:
        placement_completed.disconnect(dispatch_uid="test-broken")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED
    assert announced == [(placement.pk, Decimal(16))]  # the other receivers still ran
    assert "disk full" in caplog.text


def test_failing_is_not_announced(nearly_done, coordinator_a, announced, django_capture_on_commit_callbacks):
    placement, last_log, tutor = nearly_done()
    services.review_hour_log(log=last_log, approve=True, by=coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(30))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.FAILED
    assert announced == []


def test_reconcile_settles_placements_left_behind_by_the_same_rule(nearly_done, announced, supervisor):
    done, _log, tutor = nearly_done()
    HourLog.objects.filter(placement=done).update(status="approved")
    Evaluation.objects.create(placement=done, mentor=tutor, role="tutor", score=Decimal(90))
    failed, _log, tutor = nearly_done()
    HourLog.objects.filter(placement=failed).update(status="approved")
    Evaluation.objects.create(placement=failed, mentor=tutor, role="tutor", score=Decimal(10))
    waiting, _log, _tutor = nearly_done()  # not there yet: left alone

    assert services.reconcile_completions() == 2
    assert services.reconcile_completions() == 0
    statuses = dict(Placement.objects.values_list("pk", "status"))
    assert (statuses[done.pk], statuses[failed.pk], statuses[waiting.pk]) == ("completed", "failed", "confirmed")


def test_placement_services_do_not_import_certificates():
    """Completion is announced; the certificates app, to the right, subscribes."""
    for name in ("services.py", "signals.py", "models.py"):
        tree = ast.parse((Path(services.__file__).parent / name).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not any(module.split(".")[0] == "certificates" for module in imported if module), name


RACES = 200


@pytest.mark.django_db(transaction=True)
def test_last_approval_racing_last_evaluation_never_leaves_a_placement_behind(nearly_done, coordinator_a, announced):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent writers; SQLite serialises them")
    # Certificates are the certificates app's business; here only the race counts.
    placement_completed.disconnect(dispatch_uid="certificates.issue_internship_certificate")
    try:
        outcomes = [race(*nearly_done(), coordinator_a) for _ in range(RACES)]
    finally:
        placement_completed.connect(
            receivers.issue_internship_certificate, dispatch_uid="certificates.issue_internship_certificate"
        )
    assert [error for errors in outcomes for error in errors] == []
    assert services.left_behind().count() == 0
    assert Placement.objects.filter(status=Placement.Status.COMPLETED).count() == RACES
    # Each completion announced exactly once.
    assert sorted(pk for pk, _hours in announced) == sorted(Placement.objects.values_list("pk", flat=True))


def race(placement, last_log, tutor, coordinator) -> list[Exception]:
    barrier = threading.Barrier(2)
    errors = []

    def run(call, **kwargs):
        try:
            barrier.wait()
            call(**kwargs)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=(services.review_hour_log,), kwargs={"log": last_log, "approve": True, "by": coordinator}
        ),
        threading.Thread(
            target=run,
            args=(services.submit_evaluation,),
            kwargs={"placement": placement, "mentor": tutor, "score": Decimal(90)},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
