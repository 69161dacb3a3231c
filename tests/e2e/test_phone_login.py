"""A trainee without an email address: signs up with a mobile number, confirms
it with the texted code, and later signs in with a code alone, in a real
browser on a phone-sized screen. The codes are read where the SMS went: the
locmem outbox, and a real (local, fake) HTTP gateway."""

import re

import pytest
from playwright.sync_api import expect

from talent.models import User
from tests.factories import valid_resident_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13755556666"


def code_in(text: str) -> str:
    return re.search(r"\d{6}", text).group()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_out(page):
    page.goto("/accounts/logout/")
    page.locator("main form [type=submit]").click()
    expect(page.locator("main a[href='/accounts/login/']").first).to_be_visible()


def test_a_trainee_signs_up_with_only_a_mobile_then_signs_in_by_code(page, sms_outbox):
    page.goto("/accounts/signup/")
    page.get_by_label("姓名").fill("吴手机")
    page.get_by_label("身份证号").fill(valid_resident_id(77))
    page.get_by_label("手机号码").fill("137 5555 6666")
    page.locator("#id_password1").fill("a-long-passphrase-2026")
    page.locator("#id_password2").fill("a-long-passphrase-2026")
    page.get_by_role("button", name="注册").click()

    # The number is confirmed by the code texted to it.
    expect(page).to_have_url(re.compile("/accounts/phone/verify/"))
    expect(page.locator("main")).to_contain_text(PHONE)
    assert fits_the_screen(page)
    [sms] = sms_outbox
    assert sms.number == PHONE and sms.content.startswith("【")
    page.locator("#id_code").fill(code_in(sms.text))
    page.locator("main form [type=submit]").first.click()

    expect(page.get_by_test_id("profile-card")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("吴手机")
    user = User.objects.get(phone=PHONE)
    assert (user.email, user.phone_verified) == (None, True)

    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="发送登录代码给我").click()
    expect(page).to_have_url(re.compile("/accounts/login/code/"))
    assert fits_the_screen(page)
    page.get_by_label("手机号码").fill(PHONE)
    page.locator("main form [type=submit]").click()

    expect(page).to_have_url(re.compile("/accounts/login/code/confirm/"))
    code = code_in(sms_outbox[-1].text)
    wrong = "000000" if code != "000000" else "111111"
    page.locator("#id_code").fill(wrong)
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("main .invalid-feedback")).to_be_visible()

    page.locator("#id_code").fill(code)
    page.locator("main form [type=submit]").first.click()
    expect(page.get_by_test_id("profile-card")).to_be_visible()


def test_the_sign_in_code_comes_through_the_http_gateway(page, sms_gateway):
    User.objects.create_user(phone=PHONE, phone_verified=True, password=None, display_name="吴手机")

    page.goto("/accounts/login/code/")
    page.get_by_label("手机号码").fill(PHONE)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/login/code/confirm/"))

    [message] = sms_gateway.messages
    assert message["to"] == PHONE
    page.locator("#id_code").fill(code_in(message["text"]))
    page.locator("main form [type=submit]").first.click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    expect(page.get_by_test_id("user-menu")).to_contain_text("吴手机")
