import re

import pytest
from django.contrib.auth.models import Group

from notifications.sms import outbox
from talent.models import Practitioner, User
from talent.roles import Role
from tests.factories import PractitionerFactory, UserFactory, valid_resident_id


def signup(client, **overrides):
    data = {
        "name": "陈新人",
        "resident_id": valid_resident_id(321),
        "phone": "13712345678",
        "kind": "student",
        "email": "new@example.com",
        "password1": "a-long-passphrase-2026",
        "password2": "a-long-passphrase-2026",
        **overrides,
    }
    response = client.post("/accounts/signup/", data)
    if response.status_code == 302 and response.url == "/accounts/phone/verify/":
        # The mobile number is verified by the code texted to it before the account is used.
        code = re.search(r"\d{6}", outbox[-1].text).group()
        response = client.post(response.url, {"code": code})
    return response


def test_signup_makes_a_trainee_with_a_new_record(client, db):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.groups.get() == Group.objects.get(name=Role.TRAINEE)
    practitioner = user.practitioner
    assert (practitioner.name, practitioner.mobile, practitioner.kind) == ("陈新人", "13712345678", "student")
    assert practitioner.email == "new@example.com"
    assert user.display_name == "陈新人"
    # Signed in and on the dashboard.
    assert client.get("/").templates[0].name == "home/trainee.html"


def test_signup_links_an_imported_record_with_the_same_id_and_name(client, db):
    imported = PractitionerFactory(name="陈新人", resident_id=valid_resident_id(321), mobile="13600000000")
    signup(client, resident_id=" " + valid_resident_id(321) + " ")
    imported.refresh_from_db()
    assert imported.user.email == "new@example.com"
    assert imported.mobile == "13600000000"  # the registry's number is kept
    assert Practitioner.objects.count() == 1


def test_signup_with_an_id_registered_under_another_name_is_refused(client, db):
    PractitionerFactory(name="陈旧人", resident_id=valid_resident_id(321))
    response = signup(client)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["resident_id"][0].code == "name_mismatch"
    assert not User.objects.filter(email="new@example.com").exists()
    assert Practitioner.objects.get().user is None


def test_signup_for_an_id_that_already_has_an_account_is_refused(client, db):
    PractitionerFactory(name="陈新人", resident_id=valid_resident_id(321), user=UserFactory())
    response = signup(client)
    assert response.context["form"].errors.as_data()["resident_id"][0].code == "already_registered"
    assert not User.objects.filter(email="new@example.com").exists()


def with_wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("field", "value"),
    [("resident_id", with_wrong_check_digit(valid_resident_id(321))), ("phone", "12345"), ("name", "")],
)
def test_invalid_signup_fields_show_errors_beside_the_field(client, db, field, value):
    response = signup(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert User.objects.count() == 0


def test_signup_page_renders_in_chinese_by_default(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert "身份证号" in page
    assert 'lang="zh-hans"' in page
