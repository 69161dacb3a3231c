import re

import pytest
from playwright.sync_api import expect

from talent.roles import Role
from tests.e2e.test_enrolment import sign_in, sign_out
from tests.factories import TEST_PASSWORD, PractitionerFactory, UserFactory, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_new_administrator_sets_up_the_app_on_a_phone_then_unmasks_an_id_with_a_purpose(page, tmp_path):
    page.set_viewport_size(PHONE)
    UserFactory(email="admin@example.com", role=Role.ADMINISTRATOR, is_staff=True, display_name="赵管理")
    person = PractitionerFactory(name="阿依古丽·买买提", user=UserFactory(email="ayi@example.com", role=Role.TRAINEE))

    # Signed in with the password only, the administrator is sent to set up
    # the app, after confirming the password (allauth's reauthentication).
    sign_in(page, "admin@example.com")
    page.goto("/talent/")
    expect(page).to_have_url(re.compile("/accounts/reauthenticate/"))
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form [type=submit]").click()

    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.locator("main h1")).to_have_text("激活身份验证器应用")
    expect(page.locator("nav.navbar")).to_be_visible()  # the site's own layout
    qr = page.locator("main img")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] <= PHONE["width"]
    assert fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "totp-set-up.png"), full_page=True)

    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form [type=submit]").click()

    # The recovery codes come next.
    expect(page).to_have_url(re.compile("/accounts/2fa/recovery-codes/"))
    expect(page.locator("#recovery_codes")).to_be_visible()
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    assert fits_the_screen(page)

    # Now the registry opens; IDs are masked until a purpose is given.
    page.goto(person.get_absolute_url())
    expect(page.locator("main")).to_contain_text(person.masked_resident_id)
    expect(page.locator("main")).not_to_contain_text(person.resident_id)
    page.get_by_test_id("unmask").locator("summary").click()
    page.locator("#id_purpose").select_option("verify_identity")
    page.locator("#id_details").fill("民政局来函核实身份")
    page.get_by_test_id("unmask").locator("[type=submit]").click()
    expect(page.get_by_test_id("full-resident-id")).to_have_text(person.resident_id)
    assert fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "unmasked.png"), full_page=True)
    sign_out(page)

    # The person sees who looked.
    sign_in(page, "ayi@example.com")
    page.goto("/talent/me/")
    views = page.get_by_test_id("resident-id-views")
    expect(views).to_contain_text("赵管理")
    expect(views).to_contain_text("管理员")
