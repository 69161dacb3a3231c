import re

import pytest
from playwright.sync_api import expect

from talent.models import Practitioner
from tests.factories import valid_resident_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_new_trainee_signs_up_and_changes_their_phone(page, sms_outbox):
    page.goto("/accounts/signup/")
    page.get_by_label("姓名").fill("周新学员")
    page.get_by_label("身份证号").fill(valid_resident_id(88))
    page.get_by_label("手机号码").fill("13711112222")
    page.get_by_label("电子邮件").fill("zhou@example.com")
    page.locator("#id_password1").fill("a-long-passphrase-2026")
    page.locator("#id_password2").fill("a-long-passphrase-2026")
    page.get_by_role("button", name="注册").click()

    # Confirms the mobile number with the code texted to it.
    expect(page).to_have_url(re.compile("/accounts/phone/verify/"))
    page.locator("#id_code").fill(re.search(r"\d{6}", sms_outbox[-1].text).group())
    page.locator("main form [type=submit]").first.click()

    # Lands on the trainee dashboard.
    expect(page.get_by_test_id("profile-card")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("周新学员")

    page.goto("/talent/me/")
    phone = page.get_by_label("手机号码")
    expect(phone).to_have_value("13711112222")
    phone.fill("139 0000 3333")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("手机号码")).to_have_value("13900003333")
    page.reload()
    expect(page.get_by_label("手机号码")).to_have_value("13900003333")
    assert Practitioner.objects.get(name="周新学员").mobile == "13900003333"
