"""Signing up with only a mobile number and signing in with a code sent by SMS
(django-allauth's phone support, through notifications/sms/accounts.py)."""

import re

import pytest
from django.core.cache import cache

from talent.models import Practitioner, User
from talent.roles import Role
from tests.factories import TEST_PASSWORD, PractitionerFactory, UserFactory, valid_resident_id

PHONE = "13712345678"


@pytest.fixture(autouse=True)
def _empty_rate_limits(db):
    # allauth counts in the cache; with Redis it outlives the test's transaction.
    cache.clear()


def last_code(sms_outbox, number=PHONE) -> str:
    texts = [message.text for message in sms_outbox if message.number == number]
    assert texts, f"no SMS to {number}"
    return re.search(r"\d{6}", texts[-1]).group()


def signup(client, **overrides):
    data = {
        "name": "陈新人",
        "resident_id": valid_resident_id(321),
        "phone": PHONE,
        "kind": "student",
        "email": "",
        "password1": "a-long-passphrase-2026",
        "password2": "a-long-passphrase-2026",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


@pytest.fixture
def phone_user(db):
    user = UserFactory(email=None, phone=PHONE, phone_verified=True, role=Role.TRAINEE)
    PractitionerFactory(user=user, name="李手机", mobile=PHONE)
    return user


def request_code(client, phone=PHONE):
    return client.post("/accounts/login/code/", {"phone": phone})


def test_a_trainee_signs_up_with_only_a_mobile_number_and_verifies_it(client, db, sms_outbox):
    response = signup(client, phone="137 1234 5678")
    assert response.status_code == 302
    assert response.url == "/accounts/phone/verify/"
    user = User.objects.get(phone=PHONE)
    assert (user.email, user.phone_verified) == (None, False)
    # Not signed in before the code is entered.
    assert client.get("/").templates[0].name == "home/public.html"

    [sms] = sms_outbox
    assert sms.content.startswith("【")
    response = client.post("/accounts/phone/verify/", {"code": last_code(sms_outbox)})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    assert user.groups.get().name == Role.TRAINEE
    practitioner = user.practitioner
    assert (practitioner.name, practitioner.mobile, practitioner.email) == ("陈新人", PHONE, "")
    assert client.get("/").templates[0].name == "home/trainee.html"


def test_signup_with_a_mobile_that_is_not_a_mainland_number_is_refused(client, db, sms_outbox):
    response = signup(client, phone="12345")
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_signup_with_a_number_that_has_an_account_creates_nothing_and_tells_its_owner(client, phone_user, sms_outbox):
    signup(client, resident_id=valid_resident_id(322))
    assert User.objects.filter(phone=PHONE).get() == phone_user
    assert not Practitioner.objects.filter(resident_id=valid_resident_id(322)).exists()
    [sms] = sms_outbox
    assert "/accounts/login/" in sms.text and not re.search(r"\d{6}", sms.text)


def test_signup_links_the_imported_record_and_keeps_its_number(client, db, sms_outbox):
    imported = PractitionerFactory(name="陈新人", resident_id=valid_resident_id(321), mobile="13600000000")
    signup(client)
    client.post("/accounts/phone/verify/", {"code": last_code(sms_outbox)})
    imported.refresh_from_db()
    assert imported.user.phone == PHONE
    assert imported.mobile == "13600000000"


def test_sign_in_by_a_code_sent_to_the_mobile(client, phone_user, sms_outbox):
    response = request_code(client, phone="+86 137-1234-5678")
    assert response.status_code == 302
    assert response.url == "/accounts/login/code/confirm/"
    [sms] = sms_outbox
    assert sms.number == PHONE
    assert sms.kind == "account.code"
    # Typed on the phone's number pad.
    assert 'inputmode="numeric"' in client.get("/accounts/login/code/confirm/").content.decode()
    response = client.post("/accounts/login/code/confirm/", {"code": last_code(sms_outbox)})
    assert response.status_code == 302
    assert client.get("/").context["user"] == phone_user


def test_a_wrong_code_is_refused_and_three_wrong_codes_end_the_attempt(client, phone_user, sms_outbox):
    request_code(client)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/accounts/login/code/confirm/", {"code": wrong})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not response.context["user"].is_authenticated
    client.post("/accounts/login/code/confirm/", {"code": wrong})
    client.post("/accounts/login/code/confirm/", {"code": wrong})
    # The right code no longer helps: the attempt is over.
    client.post("/accounts/login/code/confirm/", {"code": code})
    assert not client.get("/").context["user"].is_authenticated


def test_a_code_for_a_number_without_an_account_signs_nobody_in(client, db, sms_outbox):
    response = request_code(client)
    # The page does not tell (enumeration); the number's owner is told by SMS.
    assert response.status_code == 302
    [sms] = sms_outbox
    assert "/accounts/signup/" in sms.text
    assert not re.search(r"\d{6}", sms.text)


def test_sign_in_with_the_mobile_and_password(client, phone_user):
    response = client.post("/accounts/login/", {"login": "137 1234 5678", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == phone_user


def test_email_sign_in_still_works(client, trainee):
    response = client.post("/accounts/login/", {"login": "trainee@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == trainee


def test_an_email_code_still_goes_by_email(client, trainee, mailoutbox, sms_outbox):
    client.post("/accounts/login/code/", {"email": "trainee@example.com"})
    [mail] = mailoutbox
    assert sms_outbox == []
    code = re.search(r"\b\d{6}\b", mail.body).group()  # six digits too, for the same number pad
    client.post("/accounts/login/code/confirm/", {"code": code})
    assert client.get("/").context["user"] == trainee


def test_codes_are_limited_per_number(client, phone_user, sms_outbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "10/m/ip,1/m/key,5/h/key"}
    request_code(client)
    # Another browser elsewhere, same number, within the minute: no second SMS.
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    response = request_code(other)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(sms_outbox) == 1


def test_codes_are_limited_per_address(client, db, sms_outbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "2/m/ip,1/m/key"}
    numbers = [f"1370000000{n}" for n in range(3)]
    for number in numbers:
        UserFactory(email=None, phone=number)
    # Each from a new session (one browser has one sign-in under way), all from one address.
    assert request_code(client.__class__(), numbers[0]).status_code == 302
    assert request_code(client.__class__(), numbers[1]).status_code == 302
    # A third number from the same address within the minute is refused.
    response = request_code(client.__class__(), numbers[2])
    assert response.status_code == 200
    assert response.context["form"].errors
    assert [message.number for message in sms_outbox] == numbers[:2]


def test_the_configured_limits_are_one_code_a_minute_per_number():
    # As configured, not as the tests' conftest relaxes them.
    from config import settings as configured

    limits = configured.ACCOUNT_RATE_LIMITS
    assert "1/m/key" in limits["request_login_code"]
    assert "1/m/key" in limits["verify_phone"]
    assert "/m/ip" in limits["request_login_code"]


def test_a_failing_gateway_shows_a_message_instead_of_an_error(client, phone_user, sms_gateway):
    sms_gateway.fail_next(1)
    response = request_code(client)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert any("could not be sent" in str(m) or "无法发送" in str(m) for m in page.context["messages"])


def test_the_code_reaches_a_real_gateway(client, phone_user, sms_gateway):
    request_code(client)
    [message] = sms_gateway.messages
    assert message["to"] == PHONE
    code = re.search(r"\d{6}", message["text"]).group()
    client.post("/accounts/login/code/confirm/", {"code": code})
    assert client.get("/").context["user"] == phone_user


def test_an_account_needs_an_email_or_a_mobile(db):
    with pytest.raises(ValueError, match="email address or a mobile"):
        User.objects.create_user(email="", password="x")
    user = User.objects.create_user(email="", phone="13700000009")
    assert user.email is None
    # Two accounts without email do not collide.
    User.objects.create_user(email=None, phone="13700000008")


def test_no_email_does_not_find_an_account_without_email(db):
    User.objects.create_user(phone="13700000009", password=TEST_PASSWORD)
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(None)


def test_an_administrator_adds_an_account_with_only_a_mobile_in_the_admin(client, administrator):
    client.force_login(administrator)
    data = {"email": "", "phone": "", "password1": "a-long-passphrase-2026", "password2": "a-long-passphrase-2026"}
    response = client.post("/admin/talent/user/add/", data)
    assert response.status_code == 200
    assert "email_or_phone_required" in {
        error.code for errors in response.context["adminform"].form.errors.as_data().values() for error in errors
    }
    response = client.post("/admin/talent/user/add/", {**data, "phone": "137 0000 1234"})
    assert response.status_code == 302
    user = User.objects.get(phone="13700001234")
    assert user.email is None
    assert client.get(f"/admin/talent/user/{user.pk}/change/").status_code == 200
    assert "13700001234" in client.get("/admin/talent/user/", {"q": "1370000"}).content.decode()


def test_a_new_verification_code_waits_a_minute_per_number(client, db, sms_outbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": "10/m/ip,1/m/key,5/h/key"}
    signup(client)
    response = client.post("/accounts/phone/verify/", {"action": "resend"}, follow=True)
    assert len(sms_outbox) == 1
    # "Code sent" from the sign-up, then the refusal.
    assert [message.level_tag for message in response.context["messages"]] == ["info", "danger"]


def test_a_mistyped_number_is_changed_at_the_verification_step(client, db, sms_outbox):
    signup(client, phone="13712345670")
    client.post("/accounts/phone/verify/", {"action": "change", "phone": PHONE})
    assert [message.number for message in sms_outbox] == ["13712345670", PHONE]
    client.post("/accounts/phone/verify/", {"code": last_code(sms_outbox)})
    user = User.objects.get()
    assert (user.phone, user.phone_verified) == (PHONE, True)
    assert client.get("/").context["user"] == user
