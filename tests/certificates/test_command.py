from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates.models import Certificate
from tests.factories import CourseSessionFactory, EnrollmentFactory
from training.models import Enrollment


def test_the_command_issues_a_sessions_certificates_and_skips_them_on_a_rerun(finished_session, completed_enrollment):
    EnrollmentFactory.create_batch(2, session=finished_session, status=Enrollment.Status.COMPLETED)
    EnrollmentFactory(session=finished_session, status=Enrollment.Status.FAILED)
    out = StringIO()

    call_command("issue_certificates", session=finished_session.pk, stdout=out)

    assert "3/3" in out.getvalue()
    assert Certificate.objects.count() == 3
    serials = set(Certificate.objects.values_list("serial", flat=True))

    call_command("issue_certificates", session=finished_session.pk, stdout=StringIO())

    assert set(Certificate.objects.values_list("serial", flat=True)) == serials


def test_the_command_refuses_a_session_that_is_not_finished(db):
    session = CourseSessionFactory()

    with pytest.raises(CommandError):
        call_command("issue_certificates", session=session.pk, stdout=StringIO())
