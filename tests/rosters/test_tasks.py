"""Large imports run as a task of the task queue (rosters.tasks): queued on
commit, picked up by a worker, and never left "running" for ever when the
worker never came or died."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rosters.models import ImportRecord
from talent.models import Practitioner
from tests.factories import SubDistrictFactory

DATA = Path(__file__).resolve().parents[1] / "data"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued_import(client, administrator, settings):
    """A confirmed three-row import put on the database task queue, no worker yet."""
    SubDistrictFactory(name="东风街道", code="dongfeng")
    SubDistrictFactory(name="会战街道", code="huizhan")
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(administrator)
    with open(DATA / "practitioners_utf8_bom.csv", "rb") as handle:
        client.post(reverse("admin:rosters_importrecord_new", args=["practitioners"]), {"file": handle})
    preview = ImportRecord.objects.get()
    client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))
    return ImportRecord.objects.get(dry_run=False)


def progress(client, record) -> dict:
    return client.get(reverse("admin:rosters_importrecord_progress", args=[record.pk])).json()


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_waits_in_the_queue_and_a_worker_writes_it(client, queued_import):
    task = DBTaskResult.objects.get()
    assert queued_import.task_id == str(task.id)
    assert task.status == TaskResultStatus.READY
    assert progress(client, queued_import)["status"] == "running"
    assert progress(client, queued_import)["waiting"]
    page = client.get(reverse("admin:rosters_importrecord_change", args=[queued_import.pk])).content.decode()
    assert "data-waiting=" in page
    assert Practitioner.objects.count() == 0

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert progress(client, queued_import) | {"status_display": ""} == {
        "status": "imported",
        "status_display": "",
        "rows_done": 3,
        "rows_total": 3,
        "finished": True,
        "waiting": False,
    }
    assert Practitioner.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_waiting_for_a_worker_is_not_given_up_however_long_it_waits(client, queued_import, settings):
    long_ago = timezone.now() - settings.IMPORT_INTERRUPTED_AFTER - datetime.timedelta(minutes=5)
    ImportRecord.objects.filter(pk=queued_import.pk).update(started_at=long_ago)

    assert progress(client, queued_import)["status"] == "running"

    run_worker()  # its clock starts when a worker picks it up

    assert progress(client, queued_import)["status"] == "imported"
    assert Practitioner.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_was_killed_is_given_up_after_the_limit(client, queued_import, settings):
    # What a worker killed mid-import leaves: the task claimed and "running",
    # the import's transaction rolled back, the record still "running".
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert progress(client, queued_import) | {"status_display": ""} == {
        "status": "running",
        "status_display": "",
        "rows_done": 0,
        "rows_total": 3,
        "finished": False,
        "waiting": False,
    }

    long_ago = timezone.now() - settings.IMPORT_INTERRUPTED_AFTER - datetime.timedelta(minutes=1)
    ImportRecord.objects.filter(pk=queued_import.pk).update(started_at=long_ago)
    answer = progress(client, queued_import)

    assert answer["status"] == "failed" and answer["finished"]
    record = ImportRecord.objects.get(pk=queued_import.pk)
    assert record.problems[0]["message"]
    assert Practitioner.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_task_ended_without_finishing_it_is_given_up_at_once(client, queued_import):
    DBTaskResult.objects.update(status=TaskResultStatus.FAILED, finished_at=timezone.now())

    assert progress(client, queued_import)["status"] == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_task_reaching_an_import_given_up_on_writes_nothing(client, queued_import):
    ImportRecord.objects.filter(pk=queued_import.pk).update(status=ImportRecord.Status.FAILED)

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert ImportRecord.objects.get(pk=queued_import.pk).status == ImportRecord.Status.FAILED
    assert Practitioner.objects.count() == 0
