"""A coordinator starts a session's certificate batch; a worker issues it
while the page follows the progress on its own and shows the outcome."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate
from talent.roles import Role
from tests.e2e.test_enrolment import sign_in
from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory, TrainingBaseFactory, UserFactory
from training.models import CourseSession, Enrollment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_batch_page_follows_the_worker_and_shows_the_outcome(page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path
    base = TrainingBaseFactory(name="黑龙江八一农垦大学")
    base.coordinators.add(UserFactory(email="coord@example.com", role=Role.COORDINATOR))
    session = CourseSessionFactory(
        course=CourseFactory(base=base, title="社会工作实务基础"),
        status=CourseSession.Status.FINISHED,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=8),
    )
    EnrollmentFactory.create_batch(3, session=session, status=Enrollment.Status.COMPLETED)

    sign_in(page, "coord@example.com")
    page.goto(f"/certificates/sessions/{session.pk}/")
    page.locator("main form button[type=submit]").click()

    # Queued: the page follows the batch; nothing is issued until a worker runs it.
    expect(page.locator("[data-batch][data-progress-url]")).to_be_visible()
    expect(page.locator("[data-batch-done]")).to_have_text("0")
    assert not Certificate.objects.exists()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    # The page saw the batch finish and drew itself again, without the button.
    expect(page.locator("[data-batch-done]")).to_have_text("3")
    expect(page.locator("[data-batch][data-progress-url]")).to_have_count(0)
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    assert Certificate.objects.filter(enrollment__session=session).count() == 3
