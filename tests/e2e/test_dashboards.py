import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from talent.roles import Role
from tests.e2e.test_enrolment import sign_in
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    TrainingBaseFactory,
    UserFactory,
    activate_totp,
)
from training.models import CourseSession, Enrollment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def finished(course, start, completed):
    session = CourseSessionFactory(
        course=course,
        status=CourseSession.Status.FINISHED,
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
    )
    for _ in range(completed):
        EnrollmentFactory(session=session, status=Enrollment.Status.COMPLETED)


def month_bar(page, month: str):
    return page.locator(f"svg[data-chart='chart-months'] g.bar-row[data-label='{month}']")


def test_administrator_dashboard_draws_charts_and_the_year_filter_changes_them(page, tmp_path):
    year = timezone.localdate().year
    course = CourseFactory(base=TrainingBaseFactory(name="东北石油大学"), hours=8)
    finished(course, datetime.date(year, 1, 5), completed=3)
    finished(course, datetime.date(year - 1, 6, 5), completed=1)
    secret = activate_totp(UserFactory(email="admin@example.com", role=Role.ADMINISTRATOR, is_staff=True))

    sign_in(page, "admin@example.com", totp_secret=secret)
    page.goto("/")
    charts = page.locator("main svg[role='img']")
    expect(charts.first).to_be_visible()
    # Registry by level, kind and sub-district, and trainings by month; the rest have no data yet.
    assert charts.count() == 4
    for chart in ("chart-level", "chart-kind", "chart-sub-district", "chart-months"):
        expect(page.locator(f"svg[data-chart='{chart}'] rect.bar").first).to_be_attached()
    expect(page.locator("svg[data-chart='chart-months'] rect.bar")).to_have_count(12)
    expect(page.locator("svg[data-chart='chart-months'] > title")).not_to_be_empty()
    expect(month_bar(page, "一月")).to_have_attribute("data-value", "3")
    expect(month_bar(page, "六月")).to_have_attribute("data-value", "0")
    assert page.locator("svg[data-chart='chart-months'] rect.bar").first.bounding_box()["width"] > 0
    screenshot = tmp_path / "administrator-dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    # The numbers are there as a table too.
    page.get_by_test_id("chart-months").locator("xpath=following-sibling::details[1]/summary").click()
    expect(page.get_by_test_id("chart-months-table")).to_be_visible()

    page.locator("#id_year").select_option(str(year - 1))
    expect(page).to_have_url(re.compile(f"year={year - 1}"))
    expect(month_bar(page, "一月")).to_have_attribute("data-value", "0")
    expect(month_bar(page, "六月")).to_have_attribute("data-value", "1")
    page.screenshot(path=str(tmp_path / "administrator-dashboard-last-year.png"), full_page=True)
