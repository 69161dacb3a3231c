"""What every benchmark does first: Django set up as the tests run it (debug
off, static files from the finders), and a throwaway database to fill; and
what they share after that: batched inserts and timed page requests.

Imported before anything from Django or the project: `from _django import ...`
(the benchmarks run as `.venv/bin/python bench/NAME.py`, so this folder is on
the path)."""

import contextlib
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver", "localhost"]
# Benchmarks sign administrators in with force_login; the second factor they
# would need in production is tested in tests/talent/, not measured here.
settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
# No collected static files here: serve them from the finders, as the tests do.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@contextlib.contextmanager
def throwaway_database(keep: str = ""):
    """A new, migrated database for the benchmark, dropped afterwards. On
    PostgreSQL it has a name of its own, so that a test suite running at the
    same time (which uses test_<name>) is never dropped or disturbed.
    With `keep`, the database has that name and is left behind (to EXPLAIN)."""
    if connection.vendor != "sqlite":
        script = Path(sys.argv[0]).stem
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = keep or f"bench_{script}_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        yield
    finally:
        if keep:
            connection.close()
            settings.DATABASES["default"]["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def bulk(model, objects: list, batch: int = 5_000) -> list:
    """bulk_create in batches; returns the rows with their ids."""
    made = []
    for start in range(0, len(objects), batch):
        made += model.objects.bulk_create(objects[start : start + batch])
    return made


def timed_gets(client, url: str, *, runs: int, warmups: int = 1) -> tuple[list[float], int]:
    """Milliseconds of `runs` GETs of `url` after `warmups`, and the query count of one."""
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request resets the connection's query log.
    query_count = len(queries)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return timings, query_count
