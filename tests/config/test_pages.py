import re

import pytest
from django.db import OperationalError

from talent.roles import Role
from tests.factories import UserFactory


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_reports_an_unreachable_database(client, db, monkeypatch):
    monkeypatch.setattr("config.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content != b"ok"


def test_anonymous_home_shows_bases_and_sign_in(client, base_a, training_base_a):
    page = client.get("/").content.decode()
    assert "黑龙江八一农垦大学" in page
    assert "东风街道" in page
    assert "/accounts/login/" in page


def test_each_role_lands_on_its_dashboard(client, trainee, coordinator_a, administrator):
    for user, template in [
        (trainee, "home/trainee.html"),
        (coordinator_a, "home/coordinator.html"),
        (administrator, "home/administrator.html"),
    ]:
        client.force_login(user)
        assert client.get("/").templates[0].name == template


def test_coordinator_dashboard_counts_only_their_people(client, coordinator_a, trainee, other_trainee):
    client.force_login(coordinator_a)
    assert client.get("/").context["people"].count == 1


def test_navigation_follows_the_role(client, trainee, administrator):
    client.force_login(trainee)
    page = client.get("/").content.decode()
    assert "/talent/me/" in page and 'href="/talent/"' not in page and "/admin/" not in page
    client.force_login(administrator)
    page = client.get("/").content.decode()
    assert 'href="/talent/"' in page and "/admin/" in page


def test_language_switch_to_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_language_menu_names_each_language_in_its_own_name(client, db, language):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    choices = re.findall(r'<button class="dropdown-item[^"]*"[^>]*name="language"[^>]*>([^<]*)</button>', page)
    assert choices == ["简体中文", "English"]
    assert re.search(r'value="en" lang="en"[^>]*>English<', page)
    assert re.search(rf'value="{language}" lang="{language}" aria-current="true">', page)
    assert "英语" not in page and "Simplified Chinese" not in page


def test_the_admin_is_titled_with_the_committees_name(client, administrator):
    client.force_login(administrator)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>人才、培训与实习管理 | 大庆市社会工作委员会</title>" in page
    assert '<a href="/admin/">大庆市社会工作委员会</a>' in page
    assert "Django" not in page


def test_login_with_email(client, db, password):
    UserFactory(email="someone@example.com", role=Role.TRAINEE)
    response = client.post("/accounts/login/", {"login": "someone@example.com", "password": password})
    assert response.status_code == 302
    assert response.url == "/"
