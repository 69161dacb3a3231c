"""Background work for imports behind one small interface.

`run_in_background(func, *args)` runs `func` in a thread of this process
once the current transaction commits, or at once, in the caller, when
BACKGROUND_TASKS is "inline" (tests, or a deployment that wants no threads).
"""

import logging
import threading

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils.module_loading import import_string

from rosters import registry, runner
from rosters.models import ImportRecord

logger = logging.getLogger(__name__)


def run_in_background(func, *args, **kwargs) -> None:
    if settings.BACKGROUND_TASKS == "inline":
        func(*args, **kwargs)
        return

    def target():
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("Background task %s failed", getattr(func, "__name__", func))
        finally:
            connections.close_all()

    transaction.on_commit(lambda: threading.Thread(target=target, daemon=True).start())


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
