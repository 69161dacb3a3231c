"""Certificate batches on the task queue (certificates.batches): started by a
coordinator, issued by a worker chunk by chunk, carried on after a stop, and
never half-issued: a worker killed mid-batch (a real `manage.py db_worker`
process, on PostgreSQL) leaves every certificate whole, and the batch, queued
again, finishes with gap-free serials."""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from certificates import batches, pdf, receivers, services
from certificates.models import Certificate, CertificateBatch, SerialCounter
from placements.models import HourLog, Placement, PlacementRound, Position
from tests.factories import EnrollmentFactory, PractitionerFactory
from training.models import Enrollment

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def completions(finished_session):
    def make(count):
        return EnrollmentFactory.create_batch(count, session=finished_session, status=Enrollment.Status.COMPLETED)

    return make


def assert_whole_and_gap_free(media_root: Path) -> None:
    """Every certificate has its PDF, as hashed when issued; serials run 1..n
    per kind and year, the counter stands at n; no PDF lies on disk without its row."""
    certificates = list(Certificate.objects.order_by("kind", "year", "sequence"))
    for certificate in certificates:
        with certificate.pdf.open("rb") as content:
            assert pdf.sha256(content.read()) == certificate.pdf_sha256, certificate.serial
    by_counter = {}
    for certificate in certificates:
        by_counter.setdefault((certificate.kind, certificate.year), []).append(certificate.sequence)
    for (kind, year), sequences in by_counter.items():
        assert sequences == list(range(1, len(sequences) + 1))
        assert SerialCounter.objects.get(kind=kind, year=year).last == len(sequences)
    on_disk = {str(path.relative_to(media_root)) for path in media_root.rglob("*.pdf")}
    assert on_disk == {certificate.pdf.name for certificate in certificates}


# The batch and its progress


def test_a_batch_counts_what_was_certified_before_it(coordinator_a, finished_session, completions, settings):
    settings.CERTIFICATE_BATCH_CHUNK = 2
    enrollments = completions(5)
    services.issue_for_enrollment(enrollments[0])
    batch = CertificateBatch.objects.create(scope=batches.session_scope(finished_session), session=finished_session)

    outcome = batches.run(batch.pk)

    batch.refresh_from_db()
    assert outcome == {"done": 5, "total": 5, "refused": 0}
    assert (batch.status, batch.done, batch.total) == ("finished", 5, 5)
    assert batch.heartbeat is not None and batch.finished_at is not None
    assert Certificate.objects.count() == 5


def test_starting_a_batch_in_hand_again_queues_nothing(
    coordinator_a, finished_session, completions, django_capture_on_commit_callbacks
):
    completions(2)
    with django_capture_on_commit_callbacks() as first:
        batch = batches.start(user=coordinator_a, session=finished_session)
    with django_capture_on_commit_callbacks() as second:
        again = batches.start(user=coordinator_a, session=finished_session)

    assert again == batch
    assert (len(first), len(second)) == (1, 0)
    assert CertificateBatch.objects.count() == 1


def test_a_stopped_batch_is_offered_and_carried_on_where_it_stopped(
    client, coordinator_a, finished_session, completions, settings, django_capture_on_commit_callbacks
):
    enrollments = completions(4)
    for enrollment in enrollments[:2]:  # what the worker issued before it died
        services.issue_for_enrollment(enrollment)
    long_ago = timezone.now() - settings.CERTIFICATE_BATCH_STALLED_AFTER - datetime.timedelta(seconds=1)
    batch = CertificateBatch.objects.create(
        scope=batches.session_scope(finished_session),
        session=finished_session,
        status=CertificateBatch.Status.RUNNING,
        total=4,
        done=2,
        heartbeat=long_ago,
    )
    client.force_login(coordinator_a)
    url = reverse("certificates:session-batch", args=[finished_session.pk])

    page = client.get(url)
    assert page.context["batch_progress"]["stopped"]
    assert 'class="btn btn-primary" type="submit"' in page.content.decode()
    assert client.get(reverse("certificates:batch-progress", args=[batch.pk])).json()["stopped"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    assert list(CertificateBatch.objects.all()) == [batch]  # the same batch, carried on
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("finished", 4, 4)
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert "btn-primary" not in client.get(url).content.decode()


def test_a_batch_that_fails_says_why_and_is_carried_on(
    coordinator_a, finished_session, completions, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_CHUNK = 1
    completions(3)
    real_issue_chunk = services.issue_chunk
    calls = []

    def full_disk_on_the_second_chunk(sources):
        calls.append(sources)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return real_issue_chunk(sources)

    monkeypatch.setattr(services, "issue_chunk", full_disk_on_the_second_chunk)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.start(user=coordinator_a, session=finished_session)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == ("failed", 1, "No space left on device")
    assert batches.progress(batch)["stopped"]

    with django_capture_on_commit_callbacks(execute=True):
        again = batches.start(user=coordinator_a, session=finished_session)

    assert again.pk == batch.pk
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == ("finished", 3, "")
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_a_finished_batch_is_followed_by_a_new_one(
    coordinator_a, finished_session, completions, django_capture_on_commit_callbacks
):
    completions(1)
    with django_capture_on_commit_callbacks(execute=True):
        first = batches.start(user=coordinator_a, session=finished_session)
    completions(1)  # a late completion
    with django_capture_on_commit_callbacks(execute=True):
        second = batches.start(user=coordinator_a, session=finished_session)

    assert second.pk != first.pk
    assert CertificateBatch.objects.get(pk=second.pk).done == 2
    assert Certificate.objects.count() == 2


def test_a_batch_on_the_database_queue_waits_for_a_worker(
    client, coordinator_a, finished_session, completions, settings, transactional_db
):
    settings.TASKS = DATABASE_TASKS
    completions(3)
    client.force_login(coordinator_a)

    client.post(reverse("certificates:session-batch", args=[finished_session.pk]))

    batch = CertificateBatch.objects.get()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert batch.task_id == str(DBTaskResult.objects.get().id)
    progress = client.get(reverse("certificates:batch-progress", args=[batch.pk])).json()
    assert (progress["status"], progress["in_hand"], progress["done"]) == ("queued", True, 0)

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    # The batch's task, and the holders' notifications it queued (sent by the same worker run).
    assert DBTaskResult.objects.get(pk=batch.task_id).status == TaskResultStatus.SUCCESSFUL
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    progress = client.get(reverse("certificates:batch-progress", args=[batch.pk])).json()
    assert (progress["status"], progress["done"], progress["total"]) == ("finished", 3, 3)


def test_a_worker_killed_before_its_first_chunk_leaves_a_batch_that_is_offered_again(
    coordinator_a, finished_session, completions, settings, transactional_db
):
    settings.TASKS = DATABASE_TASKS
    completions(1)
    batches.start(user=coordinator_a, session=finished_session)
    batch = CertificateBatch.objects.get()
    assert batch.task_id == str(DBTaskResult.objects.get().id)
    assert batches.progress(batch)["in_hand"]  # waiting for a worker, however long

    # A worker claimed the task and died before moving the batch on.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert batches.progress(batch)["in_hand"]
    long_ago = timezone.now() - settings.CERTIFICATE_BATCH_STALLED_AFTER - datetime.timedelta(seconds=1)
    DBTaskResult.objects.update(started_at=long_ago)

    assert batches.progress(batch)["stopped"]
    assert batches.start(user=coordinator_a, session=finished_session).pk == batch.pk
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1  # queued again


def test_a_leftover_pdf_of_a_killed_issuance_is_replaced(finished_session, completed_enrollment, settings):
    # A process killed after writing the PDF and before committing its row
    # leaves the file under a serial that was rolled back.
    leftover = Path(settings.MEDIA_ROOT) / "certificates" / str(timezone.now().year)
    leftover.mkdir(parents=True)
    year = timezone.localdate().year
    (leftover / f"DQ-{year}-T-000001.pdf").write_bytes(b"%PDF half written")

    certificate = services.issue_for_enrollment(completed_enrollment)

    assert certificate.pdf.name == f"certificates/{timezone.now().year}/DQ-{year}-T-000001.pdf"
    assert_whole_and_gap_free(Path(settings.MEDIA_ROOT))


# A round's batch is the coordinator's positions only


@pytest.fixture
def make_placement(base_a):
    """A placement with 16 approved hours, stored in the given status by a direct update."""
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="2026 春季实习",
        internship_start=today - datetime.timedelta(days=30),
        internship_end=today + datetime.timedelta(days=30),
        preference_deadline=timezone.now() - datetime.timedelta(days=40),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=16,
    )

    def make(*, status, base=base_a):
        position = Position.objects.create(
            round=round, base=base, code=f"P{Position.objects.count()}", title="社区岗", capacity=1
        )
        placement = Placement.objects.create(
            trainee=PractitionerFactory(), round=round, position=position, status="confirmed"
        )
        for days in (1, 2):
            HourLog.objects.create(
                placement=placement,
                date=today - datetime.timedelta(days=days),
                hours=8,
                activity="x",
                status="approved",
            )
        Placement.objects.filter(pk=placement.pk).update(status=status, completed_at=timezone.now())
        placement.refresh_from_db()
        return placement

    return make


def test_a_round_batch_covers_the_starters_positions_only(
    client, coordinator_a, coordinator_b, base_b, make_placement, django_capture_on_commit_callbacks
):
    mine = make_placement(status=Placement.Status.COMPLETED)
    theirs = make_placement(status=Placement.Status.COMPLETED, base=base_b)
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:round-batch", args=[mine.round_id]))

    batch = CertificateBatch.objects.get()
    assert batch.positions == [mine.position_id]
    assert list(Certificate.objects.values_list("placement", flat=True)) == [mine.pk]
    assert client.get(reverse("certificates:batch-progress", args=[batch.pk])).json()["done"] == 1
    client.force_login(coordinator_b)  # another base's coordinator in the same round
    assert client.get(reverse("certificates:batch-progress", args=[batch.pk])).status_code == 404
    assert theirs.certificates.count() == 0


# The certificate of a completed internship


@pytest.fixture
def completed_placement(make_placement):
    return make_placement(status=Placement.Status.COMPLETED)


def test_the_internship_certificate_is_issued_once_however_often_its_task_runs(completed_placement):
    first = receivers.internship_certificate.call(completed_placement.pk)
    second = receivers.internship_certificate.call(completed_placement.pk)

    assert first == second
    certificate = Certificate.objects.get(placement=completed_placement)
    assert certificate.serial == first
    assert certificate.hours == Decimal(16)


def test_the_completion_signal_queues_the_task(completed_placement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        receivers.issue_internship_certificate(None, placement=completed_placement, approved_hours=Decimal(16))

    assert not Certificate.objects.exists()  # nothing rendered in the caller
    for callback in queued:
        callback()
    assert Certificate.objects.filter(placement=completed_placement).count() == 1


def test_a_revoked_internship_certificate_is_not_issued_again(completed_placement, administrator):
    serial = receivers.internship_certificate.call(completed_placement.pk)
    services.revoke(certificate=Certificate.objects.get(serial=serial), reason="学时有误", by=administrator)

    assert receivers.internship_certificate.call(completed_placement.pk) == serial
    assert Certificate.objects.count() == 1


def test_a_placement_no_longer_completed_gets_no_certificate(make_placement):
    placement = make_placement(status=Placement.Status.CONFIRMED)

    assert receivers.internship_certificate.call(placement.pk) is None
    assert not Certificate.objects.exists()


# A real worker, killed mid-batch


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(media_root: Path, log: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "CERTIFICATE_BATCH_CHUNK": "4",
        "CERTIFICATE_RENDER_PROCESSES": "1",
        "DJANGO_DEBUG": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen([*command, *extra], cwd=BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_no_half_issued_certificate(
    coordinator_a, finished_session, completions, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker in another process on the same database, killed mid-transaction")
    settings.TASKS = DATABASE_TASKS
    media_root = Path(settings.MEDIA_ROOT)
    log = tmp_path / "worker.log"
    completions(24)
    batch = batches.start(user=coordinator_a, session=finished_session)  # queued at once: no transaction here

    worker = start_worker(media_root, log)
    try:
        # Kill it once a chunk has committed and the next one's PDFs are on disk
        # but not yet committed: the worst moment.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            committed = Certificate.objects.count()
            written = len(list(media_root.rglob("*.pdf")))
            if committed >= 4 and written > committed:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.02)
        else:
            pytest.fail(f"the worker made no progress:\n{log.read_text()}")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)

    certified = Certificate.objects.count()
    assert 4 <= certified < 24
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.RUNNING  # as the killed worker left it
    for certificate in Certificate.objects.all():
        with certificate.pdf.open("rb") as content:
            assert pdf.sha256(content.read()) == certificate.pdf_sha256
    sequences = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, certified + 1))

    # Nothing moves: once the stall limit passes, the page offers to carry on.
    settings.CERTIFICATE_BATCH_STALLED_AFTER = datetime.timedelta(seconds=1)
    time.sleep(1.1)
    assert batches.progress(batch)["stopped"]

    again = batches.start(user=coordinator_a, session=finished_session)
    assert again.pk == batch.pk
    finisher = start_worker(media_root, log, "--batch")
    try:
        assert finisher.wait(120) == 0, log.read_text()
    finally:
        if finisher.poll() is None:
            finisher.kill()
            finisher.wait(10)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("finished", 24, 24)
    assert Certificate.objects.count() == 24
    assert Certificate.objects.values("enrollment").distinct().count() == 24
    assert_whole_and_gap_free(media_root)
