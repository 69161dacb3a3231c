"""How background work is set up: the task backend chosen by TASKS_BACKEND,
the processes `make run` starts (Procfile.dev, honcho), and what deploy/
ships for a server."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load_tasks_settings(**env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "TASKS_", "REDIS_URL"))
    }
    script = (
        "import json, config.settings as s; "
        "print(json.dumps({'TASKS': s.TASKS, 'RQ_QUEUES': getattr(s, 'RQ_QUEUES', None), "
        "'rq_app': 'django_rq' in s.INSTALLED_APPS, 'CACHE': s.CACHES['default']['BACKEND']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean | env, capture_output=True, text=True, check=False
    )


def test_the_database_queue_is_the_default():
    result = load_tasks_settings()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert not values["rq_app"]


def test_rq_runs_on_the_redis_of_redis_url():
    result = load_tasks_settings(TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["RQ_QUEUES"] == {"default": {"URL": "redis://127.0.0.1:6379/3"}}
    assert values["rq_app"]
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"


def test_immediate_runs_tasks_in_the_caller():
    values = json.loads(load_tasks_settings(TASKS_BACKEND="immediate").stdout)
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASKS_BACKEND": "rq"}, "TASKS_BACKEND=rq needs REDIS_URL"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of database, rq, immediate, got 'celery'"),
    ],
)
def test_a_wrong_task_backend_fails_loudly(env, message):
    result = load_tasks_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


# make run: the web server and a worker, together


def procfile(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line and not line.startswith("#"))


def test_make_run_starts_the_web_server_and_a_worker_under_honcho():
    processes = procfile("Procfile.dev")
    assert set(processes) == {"web", "worker"}
    assert "manage.py runserver" in processes["web"]
    assert "manage.py db_worker" in processes["worker"]
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:") : makefile.index("\ntest:")]
    assert "honcho start -f Procfile.dev" in run
    assert "DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS=0" in run and "DJANGO_DEBUG=1" in run
    assert "one Ctrl-C stops both" in run


def test_the_production_procfile_runs_gunicorn_and_a_worker():
    processes = procfile("Procfile")
    assert "gunicorn config.wsgi:application" in processes["web"]
    assert "manage.py db_worker --no-reload" in processes["worker"]


@pytest.mark.parametrize("name", ["Procfile", "Procfile.dev"])
def test_honcho_reads_the_procfiles(name):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "honcho"), "check", "-f", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Valid procfile detected (web, worker)" in result.stderr + result.stdout


# deploy/


def test_the_worker_unit_is_a_template_for_n_workers():
    unit = (DEPLOY / "socialwork-worker@.service").read_text()
    assert "manage.py db_worker --no-reload" in unit
    assert "--worker-id %H-%i" in unit  # unique across machines and instances
    assert "EnvironmentFile=/etc/socialwork/socialwork.env" in unit
    assert "KillSignal=SIGTERM" in unit  # lets the running task finish


def test_the_web_unit_runs_gunicorn_behind_nginx():
    unit = (DEPLOY / "socialwork-web.service").read_text()
    assert "gunicorn config.wsgi:application" in unit
    assert "--bind 127.0.0.1:8000" in unit
    site = (DEPLOY / "nginx-socialwork.conf").read_text()
    assert "server 127.0.0.1:8000" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "ssl_certificate " in site and "listen 443 ssl" in site
    assert re.search(r"client_max_body_size \d+m;", site)
    assert "alias /srv/socialwork/staticfiles/;" in site


def test_the_timers_run_the_scheduled_commands():
    reminders = (DEPLOY / "socialwork-reminders.service").read_text()
    assert "manage.py send_reminders" in reminders
    assert "OnCalendar=" in (DEPLOY / "socialwork-reminders.timer").read_text()
    retries = (DEPLOY / "socialwork-retry-deliveries.service").read_text()
    assert "manage.py retry_deliveries" in retries
    assert "OnUnitActiveSec=" in (DEPLOY / "socialwork-retry-deliveries.timer").read_text()
    hourly = (DEPLOY / "socialwork-hourly.service").read_text()
    assert "manage.py expire_placement_answers" in hourly and "manage.py reconcile_completions" in hourly
    assert "manage.py prune_db_task_results" in (DEPLOY / "socialwork-prune-tasks.service").read_text()


def test_the_units_pass_systemds_own_check(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the units' syntax is not checked")
    units = []
    for unit in sorted(DEPLOY.glob("socialwork*.*")):
        if unit.suffix in {".service", ".timer", ".target"}:
            # Pointed at this checkout, whose binaries exist, instead of /srv/socialwork.
            (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/socialwork", str(ROOT)))
            units.append(unit.name)
    (tmp_path / "socialwork-worker@1.service").symlink_to(tmp_path / "socialwork-worker@.service")
    (tmp_path / "socialwork-rqworker@1.service").symlink_to(tmp_path / "socialwork-rqworker@.service")
    checked = [f"./{name}" for name in units if "@." not in name] + [
        "./socialwork-worker@1.service",
        "./socialwork-rqworker@1.service",
    ]
    result = subprocess.run(
        [analyze, "verify", "--man=no", *checked], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    complaints = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert complaints == []


def test_the_environment_file_example_configures_a_secure_production(tmp_path):
    env = {}
    for line in (DEPLOY / "socialwork.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    assert env["DJANGO_TRUSTED_PROXY_COUNT"] == "1"  # nginx, the one proxy
    script = (
        "import json, config.settings as s; print(json.dumps({'DEBUG': s.DEBUG, 'SSL': s.SECURE_SSL_REDIRECT, "
        "'PROXY': s.TRUSTED_PROXY_COUNT, 'TASKS': s.TASKS['default']['BACKEND'], "
        "'DB': s.DATABASES['default']['ENGINE'], 'HOSTS': s.ALLOWED_HOSTS}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "TASKS_"))}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean | env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SSL": True,
        "PROXY": 1,
        "TASKS": "django_tasks_db.DatabaseBackend",
        "DB": "django.db.backends.postgresql",
        "HOSTS": ["sw.example.cn"],
    }


def test_collectstatic_finds_every_file_a_stylesheet_names(tmp_path):
    """Production's static files carry a hash in their names: collectstatic
    rewrites every url() of every stylesheet, and stops at one that leads
    nowhere. Checked with Django's manifest storage, which WhiteNoise's
    extends with compression (slow, and beside the point here)."""
    if not (ROOT / "static" / "certificates" / "fonts" / "CertificateSerifSC.otf").exists():
        pytest.skip("the certificate font is not built (manage.py build_certificate_font): certificate.css needs it")
    (tmp_path / "manifest_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = clean | {
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "manifest_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
