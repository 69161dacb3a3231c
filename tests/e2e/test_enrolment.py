import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from talent.roles import Role
from tests.factories import TEST_PASSWORD, PractitionerFactory, TrainingBaseFactory, UserFactory, totp_code
from training.models import Course, CourseSession, Enrollment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, *, totp_secret=None):
    """Password, then, for an account with an authenticator app (every
    administrator's), the code the app would show."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form [type=submit]").click()
    if totp_secret is not None:
        expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
        page.locator("#id_code").fill(totp_code(totp_secret))
        page.locator("main form [type=submit]").first.click()
        expect(page).not_to_have_url(re.compile("/accounts/2fa/"))
    expect(page.locator("main h1")).not_to_have_text("登录")


def sign_out(page):
    # allauth's sign-out page: a form whose button posts the sign-out.
    page.goto("/accounts/logout/")
    page.locator("main form [type=submit]").click()
    expect(page.locator("main a[href='/accounts/login/']").first).to_be_visible()


def test_freed_last_seat_goes_to_the_waitlisted_trainee(page):
    course = Course.objects.create(base=TrainingBaseFactory(), code="SW1", title="社会工作实务基础", hours=8)
    now = timezone.now()
    session = CourseSession.objects.create(
        course=course,
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        end_date=timezone.localdate() + datetime.timedelta(days=8),
        capacity=1,
        enrollment_opens=now - datetime.timedelta(days=1),
        enrollment_closes=now + datetime.timedelta(days=3),
        status=CourseSession.Status.OPEN,
    )
    first, second = (UserFactory(email=f"t{i}@example.com", role=Role.TRAINEE) for i in (1, 2))
    PractitionerFactory(user=first, name="甲学员")
    PractitionerFactory(user=second, name="乙学员")

    sign_in(page, "t1@example.com")
    page.goto(session.get_absolute_url())
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_test_id("enrolment-status")).to_contain_text("已报名")
    sign_out(page)

    sign_in(page, "t2@example.com")
    page.goto(session.get_absolute_url())
    page.get_by_role("button", name="加入候补").click()
    expect(page.get_by_test_id("enrolment-status")).to_contain_text("1")
    sign_out(page)

    sign_in(page, "t1@example.com")
    page.goto(session.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="取消报名").click()
    # The freed seat went to the waitlisted trainee, so the session is full again.
    expect(page.get_by_role("button", name="加入候补")).to_be_visible()
    sign_out(page)

    sign_in(page, "t2@example.com")
    page.goto("/training/mine/")
    expect(page.get_by_text("社会工作实务基础")).to_be_visible()
    page.goto(session.get_absolute_url())
    expect(page.get_by_test_id("enrolment-status")).to_contain_text("已报名")
    assert Enrollment.objects.get(trainee__name="乙学员").status == Enrollment.Status.ENROLLED
