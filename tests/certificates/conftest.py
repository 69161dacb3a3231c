import datetime

import pytest
from django.utils import timezone

from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory
from training.models import CourseSession, Enrollment


@pytest.fixture(autouse=True)
def _render_in_process(settings, tmp_path):
    # One process, into a temporary folder: no worker pool, no stray PDFs.
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def finished_session(db, training_base_a):
    return CourseSessionFactory(
        course=CourseFactory(base=training_base_a, title="社会工作实务基础"),
        status=CourseSession.Status.FINISHED,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=8),
    )


@pytest.fixture
def completed_enrollment(finished_session, trainee):
    return EnrollmentFactory(session=finished_session, trainee=trainee.practitioner, status=Enrollment.Status.COMPLETED)
