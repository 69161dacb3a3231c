"""The second factor: required of administrators, offered to everyone else
(talent/mfa.py, allauth's MFA)."""

import re
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from auditlog.models import LogEntry
from django.core.checks import run_checks
from django.utils import translation

from talent.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, activate_totp, totp_code

SET_UP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def new_administrator(db):
    """An administrator who has not set up an authenticator app yet."""
    return UserFactory(email="new-admin@example.com", role=Role.ADMINISTRATOR, is_staff=True)


def sign_in(client, email):
    response = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("url", ["/talent/", "/", "/admin/", "/admin/talent/practitioner/", "/audit/"])
def test_an_administrator_without_an_authenticator_app_is_sent_to_set_one_up(client, new_administrator, url):
    client.force_login(new_administrator)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == SET_UP


def test_a_post_is_refused_the_same_way(client, new_administrator, trainee):
    client.force_login(new_administrator)
    response = client.post(
        f"/talent/{trainee.practitioner.pk}/unmask/", {"purpose": "verify_identity", "details": "核实"}
    )
    assert response.url == SET_UP
    assert not LogEntry.objects.filter(additional_data__event="unmask_resident_id").exists()


def test_a_superuser_is_an_administrator_too(client, db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get("/talent/").url == SET_UP


def test_what_the_set_up_needs_stays_open(client, new_administrator):
    client.force_login(new_administrator)
    # Set-up itself asks for the password again first (allauth's reauthentication).
    assert client.get(SET_UP).url.startswith("/accounts/reauthenticate/")
    for url in ["/accounts/reauthenticate/", "/accounts/2fa/", "/accounts/email/", "/accounts/logout/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/healthz").status_code == 200
    response = client.post("/i18n/setlang/", {"language": "en", "next": SET_UP})
    assert response.status_code == 302 and response.url == SET_UP


def test_with_an_authenticator_app_the_administrator_passes(client, administrator):
    assert Authenticator.objects.filter(user=administrator, type=Authenticator.Type.TOTP).exists()
    client.force_login(administrator)
    assert client.get("/talent/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_coordinators_and_trainees_are_not_forced(client, coordinator_a, trainee):
    for user in (coordinator_a, trainee):
        client.force_login(user)
        assert client.get("/").status_code == 200
        assert client.get("/talent/me/").status_code in (200, 404)  # a coordinator may have no record


def test_the_setting_off_lets_administrators_through(client, new_administrator, settings):
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    client.force_login(new_administrator)
    assert client.get("/talent/").status_code == 200


def test_the_deploy_check_warns_when_the_requirement_is_off(settings):
    assert "talent.W001" not in {message.id for message in run_checks(include_deployment_checks=True)}
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    warnings = [message for message in run_checks(include_deployment_checks=True) if message.id == "talent.W001"]
    assert len(warnings) == 1
    assert "DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS" in warnings[0].msg
    # Only with --deploy: the local demo runs `check` without complaint.
    assert "talent.W001" not in {message.id for message in run_checks()}


def test_the_admin_login_page_hands_over_to_the_site_sign_in(client, db):
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    # Its form cannot be used to sign in around the second factor either.
    UserFactory(email="admin2@example.com", role=Role.ADMINISTRATOR, is_staff=True)
    response = client.post("/admin/login/", {"username": "admin2@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_administrator_signs_in_with_password_and_code(client, administrator):
    secret = activate_totp(UserFactory(email="second@example.com", role=Role.ADMINISTRATOR, is_staff=True))
    response = sign_in(client, "second@example.com")
    assert response.url == "/accounts/2fa/authenticate/"
    # Not signed in until the code is given.
    assert client.get("/talent/").status_code == 302
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/talent/").status_code == 200


def test_an_administrator_sets_up_the_app_and_gets_recovery_codes(client, new_administrator):
    sign_in(client, "new-admin@example.com")
    response = client.get("/talent/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "two-factor authentication" in main(response) or "双因素" in main(response)
    response = client.post(response.redirect_chain[-1][0], {"password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == SET_UP
    page = main(response)
    assert "激活身份验证器应用" in page  # in Chinese, allauth's own translation
    assert 'src="data:image/svg+xml;base64,' in page and "img-fluid" in page  # the QR code fits a phone
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page  # typed by hand when the camera cannot scan

    assert client.post(SET_UP, {"code": "123456"}).status_code == 200
    response = client.post(SET_UP, {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[0][0] == "/accounts/2fa/recovery-codes/"
    codes = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S).group(1).split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=new_administrator, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=new_administrator, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/talent/").status_code == 200


def test_the_issuer_in_the_app_is_the_committee(new_administrator):
    from allauth.mfa.adapter import get_adapter

    with translation.override("zh-hans"):
        url = get_adapter().build_totp_url(new_administrator, "SECRET")
    assert f"issuer={quote('大庆市社会工作委员会')}" in url


def test_everyone_finds_two_factor_authentication_in_the_user_menu(client, trainee):
    client.force_login(trainee)
    page = client.get("/").content.decode()
    menu = page[page.index('data-testid="user-menu"') :]
    assert 'href="/accounts/2fa/"' in menu and "双因素身份认证" in menu
    response = client.get("/accounts/2fa/")
    page = main(response)
    assert "身份验证器应用" in page and 'href="/accounts/2fa/totp/activate/"' in page
    assert "Authenticator App" not in page
    assert 'class="navbar' in response.content.decode()  # the site's own layout
