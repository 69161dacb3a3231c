import pytest

from notifications import kinds


@pytest.fixture
def test_kind(settings, tmp_path):
    """A kind of our own with its templates in a temporary folder."""
    folder = tmp_path / "tpl" / "tests_notify"
    folder.mkdir(parents=True)
    (folder / "hello.txt").write_text(
        "{% load i18n %}{% translate 'Hello' %} {{ what }}\n{{ site_name }}: {{ what }} {{ link_url }}\n",
        encoding="utf-8",
    )
    (folder / "hello.sms.txt").write_text("SMS {{ what }}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "tpl"]}]
    kind = kinds.register(kinds.Kind(code="tests.hello", label="Hello", template="tests_notify/hello"))
    mandatory = kinds.register(
        kinds.Kind(code="tests.must", label="Must", template="tests_notify/hello", mandatory=True)
    )
    yield kind
    kinds._KINDS.pop(kind.code, None)
    kinds._KINDS.pop(mandatory.code, None)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free local port, with Django's SMTP backend pointed at it."""
    from tests.notifications.smtp_sink import start_smtp_sink

    sink = start_smtp_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the queued sending) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
