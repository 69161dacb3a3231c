"""Background work for imports: a confirmed import of many rows runs as a
task of Django's Tasks API (`confirm_import_task`), picked up by a worker
(`manage.py db_worker`, or `rqworker` with the RQ backend). Its progress stays
where the admin's progress page reads it: on the ImportRecord row
(rosters.progress); a run that never started or whose worker died is told
apart by `ImportRecord.give_up_if_interrupted`.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from rosters import registry, runner
from rosters.models import ImportRecord

logger = logging.getLogger(__name__)


def run_in_background(record: ImportRecord, stored_file: str) -> None:
    """Queue the confirmation of `record` once the current transaction commits,
    and remember the task on the record."""

    def enqueue():
        result = confirm_import_task.enqueue(record.pk, stored_file)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


@task
def confirm_import_task(record_pk: int, stored_file: str) -> None:
    """The worker's side: write a previewed file, unless the record was given up
    on (or finished) before a worker got to it."""
    started = ImportRecord.objects.filter(pk=record_pk, status=ImportRecord.Status.RUNNING).update(
        started_at=timezone.now()
    )
    if not started:
        logger.warning("Import %s is no longer waiting to run; its task does nothing.", record_pk)
        tmp_storage(stored_file).remove()
        return
    confirm_import(record_pk, stored_file)


def tmp_storage(name=None):
    """Where a previewed file waits for its confirmation (IMPORT_EXPORT_TMP_STORAGE_CLASS)."""
    storage_class = import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)
    return storage_class(name=name, read_mode="rb")


def stored_content(storage):
    """A previewed file as the runner reads it: its path where the storage
    keeps files on this machine's disk, its bytes otherwise."""
    get_path = getattr(storage, "get_full_path", None)
    return get_path() if get_path else storage.read()


def confirm_import(record_pk: int, stored_file: str) -> None:
    """Write a previewed file: all of it, exactly as previewed, or nothing."""
    record = ImportRecord.objects.select_related("preview", "user").get(pk=record_pk)
    kind = registry.get(record.kind)
    storage = tmp_storage(stored_file)
    try:
        options = {}
        if kind.option:
            model = apps.get_model(kind.option_model)
            options[kind.option] = model.objects.get(pk=record.options[kind.option])
        runner.run_import(
            kind=kind,
            content=stored_content(storage),
            file_name=record.file_name,
            user=record.user,
            dry_run=False,
            options=options,
            expected=record.preview.totals,
            record=record,
        )
    except Exception as error:
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.FAILED, problems=[{"row": 0, "column": "", "message": str(error)}]
        )
        raise
    finally:
        storage.remove()
