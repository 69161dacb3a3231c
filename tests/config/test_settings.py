"""The settings module read in a clean interpreter with a given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**env):
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))} | env


def load_settings(**env):
    script = (
        "import json, config.settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in "
        "['DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'LANGUAGE_CODE', 'TIME_ZONE', 'ALLOWED_HOSTS']} | "
        "{'DB': s.DATABASES['default']['ENGINE'], 'DB_NAME': str(s.DATABASES['default']['NAME']), "
        "'DB_OPTIONS': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_management_commands_run_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert load_settings().returncode == 0


def test_production_defaults_are_secure():
    result = load_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="sw.example.cn")
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["ALLOWED_HOSTS"] == ["sw.example.cn"]
    assert (values["LANGUAGE_CODE"], values["TIME_ZONE"]) == ("zh-hans", "Asia/Shanghai")


def test_debug_runs_with_the_development_key_and_sqlite_under_var():
    values = json.loads(load_settings(DJANGO_DEBUG="1").stdout)
    assert values["DEBUG"] is True
    assert values["DB"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"].endswith("var/db.sqlite3")


def test_database_url_selects_postgresql():
    values = json.loads(load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://u@db.internal:5432/sw").stdout)
    assert values["DB"] == "django.db.backends.postgresql"
    # Pages' short statements are never JIT-compiled (config/settings.py).
    assert values["DB_OPTIONS"]["options"] == "-c jit=off"


def test_connection_options_in_the_database_url_are_kept():
    url = "postgres://u@db.internal:5432/sw?options=-c%20statement_timeout%3D5000"
    values = json.loads(load_settings(DJANGO_DEBUG="1", DATABASE_URL=url).stdout)
    assert values["DB_OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"


def test_postgresql_sessions_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_a_bad_boolean_fails_loudly():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_deploy_checks_pass_with_production_settings(tmp_path):
    """`manage.py check --deploy` with debug off and a real secret key."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7#kP2!qL9@mN4$vB8^wR1&zT6*yH3(jD5)fG0-sA=" * 2,
        "DJANGO_ALLOWED_HOSTS": "social-work.example.cn",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
