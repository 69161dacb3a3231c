"""QR check-in end to end: the coordinator's screen shows a code, a decoder
reads it from the screen as a phone's camera would, and a trainee opens it on
a 360-pixel-wide phone, signs in, and is checked in; the screen's count
follows by itself."""

import re

import pytest
from playwright.sync_api import expect

from talent.roles import Role
from tests.e2e.test_enrolment import sign_in
from tests.factories import EnrollmentFactory, PractitionerFactory, TrainingBaseFactory, UserFactory
from tests.training.meetings import meeting_now, session_now
from training.models import Attendance

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def decode_qr(png: bytes) -> str:
    import io

    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code found in the screenshot of the check-in screen"
    return found[0].text


def test_a_trainee_checks_in_by_scanning_the_screen(browser, live_server, settings):
    settings.SITE_BASE_URL = live_server.url
    base = TrainingBaseFactory(name="东北石油大学")
    coordinator = UserFactory(email="coord@example.com", role=Role.COORDINATOR)
    base.coordinators.add(coordinator)
    trainee = UserFactory(email="trainee@example.com", role=Role.TRAINEE)
    PractitionerFactory(user=trainee, name="阿依古丽·买买提")
    meeting = meeting_now(session_now(base, course__title="社区社会工作实务"))
    EnrollmentFactory(session=meeting.session, trainee=trainee.practitioner)

    screen_context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    screen = screen_context.new_page()
    sign_in(screen, "coord@example.com")
    screen.goto(f"/training/manage/meetings/{meeting.pk}/checkin/")
    code = screen.get_by_test_id("checkin-qr")
    expect(code).to_be_visible()
    expect(screen.get_by_test_id("checkin-count")).to_contain_text("0 / 1")
    url = decode_qr(code.screenshot())
    assert url.startswith(f"{live_server.url}/training/c/{meeting.pk}-in-")

    phone_context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE, is_mobile=True)
    phone = phone_context.new_page()
    phone.goto(url)
    expect(phone).to_have_url(re.compile("/accounts/login/"))
    phone.locator("#id_login").fill("trainee@example.com")
    phone.locator("#id_password").fill("correct-horse-battery")
    phone.locator("main form [type=submit]").click()

    confirmed = phone.get_by_test_id("checkin-confirmed")
    expect(confirmed).to_be_visible()
    expect(confirmed).to_contain_text("阿依古丽·买买提")
    expect(phone.get_by_test_id("checkin-time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert Attendance.objects.get().method == Attendance.Method.QR

    # The screen counts the check-in without anyone reloading it.
    expect(screen.get_by_test_id("checkin-count")).to_contain_text("1 / 1")
    phone.reload()
    expect(phone.get_by_test_id("checkin-again")).to_be_visible()
    screen_context.close()
    phone_context.close()
