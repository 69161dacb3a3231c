"""The verify page's rate limit in production: counted in a cache that every
web worker shares (config/cache.py), per client address (talent/clients.py)."""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from talent.clients import client_address

BASE_DIR = Path(settings.BASE_DIR)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: several processes and row locks; SQLite is the single-process demo",
)


# The client's address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "203.0.113.7", "10.0.0.2"),  # no trusted proxy: the header is anyone's to write
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # the client's own claim is left of it
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the leftmost
        (3, " 203.0.113.7 ,10.0.0.9", "203.0.113.7"),
        (1, "", "10.0.0.2"),  # a request that came round the proxy
        (1, " , ", "10.0.0.2"),
        (1, "2001:db8::7", "2001:db8::7"),
        (1, "x" * 300, "10.0.0.2"),  # not an address: no bucket of its own
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_the_proxy_count_comes_from_the_environment_and_is_off_by_default():
    def proxy_count(env):
        code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_TRUSTED_PROXY_COUNT"} | env
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=BASE_DIR,
            env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **environment},
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() or result.stderr.strip().splitlines()[-1]

    assert proxy_count({}) == "0"
    assert proxy_count({"DJANGO_TRUSTED_PROXY_COUNT": "2"}) == "2"
    assert "DJANGO_TRUSTED_PROXY_COUNT" in proxy_count({"DJANGO_TRUSTED_PROXY_COUNT": "-1"})


# The shared cache


def test_the_cache_is_shared_by_the_workers_without_redis():
    # Tests run without REDIS_URL: what production runs without it.
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.DatabaseCache"


def _expires(key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM django_cache WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


def test_an_increment_keeps_the_window_it_counts_in(db):
    cache.add("window", 0, timeout=60)
    opened = _expires("window")

    assert cache.incr("window") == 1
    assert cache.incr("window", 5) == 6
    assert cache.get("window") == 6
    # Django's own DatabaseCache.incr writes with the default timeout (300 s): a window that never ends.
    assert _expires("window") == opened


def test_adding_keeps_a_running_count(db):
    cache.add("window", 0, timeout=60)
    cache.incr("window")

    assert cache.add("window", 0, timeout=60) is False
    assert cache.incr("window") == 2


def test_an_expired_or_missing_count_cannot_be_incremented(db):
    cache.set("gone", 3, timeout=-1)

    with pytest.raises(ValueError):
        cache.incr("gone")
    with pytest.raises(ValueError):
        cache.incr("never-set")


def test_a_fresh_database_has_the_cache_table_after_migrate(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=environment | {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"},
        check=True,
        timeout=300,
    )

    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "django_cache" in tables


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_increments_from_many_connections_at_once_are_all_counted():
    cache.clear()
    cache.add("race", 0, timeout=60)
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)

    def hammer():
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                cache.incr("race")
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(hammer) for _ in range(threads)]:
            future.result(timeout=120)

    assert cache.get("race") == threads * per_thread
    cache.clear()


# Through gunicorn, as in production


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _status(url: str) -> int:
    try:
        with urlopen(Request(url, headers={"Accept": "application/json"}), timeout=30) as response:  # noqa: S310
            return response.status
    except HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn():
    """Two gunicorn workers with debug off, on the test database, no Redis."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "VERIFY_RATE_PER_MINUTE"}}
    environment |= {
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "gunicorn-test-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXY_COUNT": "0",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _status_or_none(base + "/healthz") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _status_or_none(url: str) -> int | None:
    try:
        return _status(url)
    except OSError:
        return None


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_workers_let_exactly_30_lookups_a_minute_through(gunicorn):
    cache.clear()
    urls = [f"{gunicorn}/verify/{'0' * 24}{n:02d}/" for n in range(60)]

    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(_status, urls))
    elapsed = time.monotonic() - started

    assert elapsed < 50, "the lookups must fall in one one-minute window"
    assert statuses.count(404) == 30, statuses  # unknown codes, answered
    assert statuses.count(429) == 30, statuses
    cache.clear()
