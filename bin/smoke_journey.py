"""The real-browser journey of bin/smoke, against the server it started
(SMOKE_BASE_URL) and the database in DATABASE_URL: a seeded trainee signs in,
enrols in a session, and finds the enrolment notification in the inbox; the
worker delivers it (its Delivery rows are sent). Prints one JSON line."""

import datetime
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from notifications.models import Delivery, Notification  # noqa: E402
from talent.models import User  # noqa: E402
from training.models import Course, CourseSession, Enrollment, TrainingBase  # noqa: E402

BASE_URL = os.environ["SMOKE_BASE_URL"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TRAINEE = "trainee@demo.example.com"
PASSWORD = "demo-pass-2026"  # noqa: S105 -- the demo's, printed by seed_demo
COURSE_TITLE = "冒烟测试：社区走访实务"
DELIVERY_TIMEOUT = 60


def open_session() -> CourseSession:
    """A session the demo trainee may enrol in: no prerequisite, no level, seats free."""
    now = timezone.now()
    course = Course.objects.create(
        base=TrainingBase.objects.order_by("pk").first(), code="SMOKE-1", title=COURSE_TITLE, hours=4
    )
    return CourseSession.objects.create(
        course=course,
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        end_date=timezone.localdate() + datetime.timedelta(days=7),
        capacity=30,
        enrollment_opens=now - datetime.timedelta(days=1),
        enrollment_closes=now + datetime.timedelta(days=3),
        location="大庆市社会工作服务中心",
        status=CourseSession.Status.OPEN,
    )


def main() -> None:
    started = time.monotonic()
    session = open_session()
    trainee = User.objects.get(email=TRAINEE)
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="zh-CN", base_url=BASE_URL, viewport={"width": 390, "height": 844})
        page = context.new_page()

        page.goto("/accounts/login/")
        page.locator("#id_login").fill(TRAINEE)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form [type=submit]").click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))

        page.goto(session.get_absolute_url())
        page.get_by_role("button", name="报名").click()
        expect(page.get_by_test_id("enrolment-status")).to_contain_text("已报名")
        enrolled_at = time.monotonic()
        if not Enrollment.objects.filter(session=session, trainee__user=trainee, status="enrolled").exists():
            raise SystemExit("the page said enrolled, the database does not")

        page.goto("/notifications/")
        expect(page.locator("main")).to_contain_text(COURSE_TITLE)

        # The demo trainee was enrolled before (seed_demo): this enrolment's is the latest.
        notification = Notification.objects.filter(kind="training.enrolled", user=trainee).latest("pk")
        deliveries = Delivery.objects.filter(notification=notification)
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline:
            statuses = sorted(deliveries.values_list("status", flat=True))
            if statuses and all(status == Delivery.Status.SENT for status in statuses):
                break
            time.sleep(0.25)
        else:
            raise SystemExit(f"the worker did not deliver the notification in {DELIVERY_TIMEOUT}s: {statuses}")
        delivered_at = time.monotonic()

        page.reload()
        expect(page.locator("main")).to_contain_text(COURSE_TITLE)
        browser.close()
    print(
        json.dumps(
            {
                "journey_seconds": round(time.monotonic() - started, 1),
                "delivered_after_enrolment_seconds": round(delivered_at - enrolled_at, 2),
                "deliveries": statuses,
            }
        )
    )


if __name__ == "__main__":
    main()
