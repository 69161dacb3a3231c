"""allauth's emails speak for the committee (SITE_NAME) and link to the
site's public address (SITE_BASE_URL), never to the host a request named."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "internal-host"]
    settings.SITE_NAME = "大庆市社会工作委员会"
    settings.SITE_BASE_URL = "https://sw.daqing.example.cn"


def test_password_reset_email_names_the_committee_and_the_public_address(client, trainee, mailoutbox):
    response = client.post(
        reverse("account_reset_password"), {"email": "trainee@example.com"}, HTTP_HOST="internal-host:8000"
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    body = message.body
    assert "Hello" not in body and "127.0.0.1" not in body
    assert "internal-host" not in body and "testserver" not in body
    assert "大庆市社会工作委员会" in body
    assert "https://sw.daqing.example.cn/accounts/password/reset/key/" in body
    assert "李学员" in body  # greeted by name


def test_an_email_confirmation_links_to_the_public_address(client, trainee, mailoutbox):
    client.force_login(trainee)
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"}, HTTP_HOST="internal-host")
    assert mailoutbox, "a confirmation email is sent"
    body = mailoutbox[-1].body
    assert "https://sw.daqing.example.cn/accounts/confirm-email/" in body
    assert "internal-host" not in body
    assert "大庆市社会工作委员会" in body
