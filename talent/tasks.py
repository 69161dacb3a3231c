"""Background work behind one small interface.

`run_in_background(func, *args)` runs `func` in a thread of this process
once the current transaction commits, or at once, in the caller, when
BACKGROUND_TASKS is "inline" (tests, or a deployment that wants no threads).
A task queue (Celery, a database-backed task backend) can take over here
without touching the callers.
"""

import logging
import threading

from django.conf import settings
from django.db import connections, transaction

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
