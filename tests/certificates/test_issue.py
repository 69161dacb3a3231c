import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import pdf, services
from certificates.models import Certificate, SerialCounter
from certificates.services import CertificateRefused, issue_for_enrollment
from tests.factories import EnrollmentFactory
from training.models import Enrollment


def test_first_certificate_of_the_year_gets_serial_one_and_the_next_two(completed_enrollment, finished_session):
    year = timezone.localdate().year
    second = EnrollmentFactory(session=finished_session, status=Enrollment.Status.COMPLETED)

    first_certificate = issue_for_enrollment(completed_enrollment)
    second_certificate = issue_for_enrollment(second)

    assert first_certificate.serial == f"DQ-{year}-T-000001"
    assert second_certificate.serial == f"DQ-{year}-T-000002"
    assert first_certificate.holder == completed_enrollment.trainee
    assert first_certificate.title == "社会工作实务基础"
    assert first_certificate.pdf.read().startswith(b"%PDF")


def test_issuing_twice_returns_the_same_certificate(completed_enrollment):
    first = issue_for_enrollment(completed_enrollment)
    again = issue_for_enrollment(completed_enrollment)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last == 1


@pytest.mark.parametrize("status", [Enrollment.Status.ENROLLED, Enrollment.Status.FAILED, Enrollment.Status.CANCELLED])
def test_only_a_completed_enrollment_earns_a_certificate(finished_session, status):
    enrollment = EnrollmentFactory(session=finished_session, status=status)

    with pytest.raises(CertificateRefused) as refusal:
        issue_for_enrollment(enrollment)

    assert refusal.value.code == "not_completed"
    assert not Certificate.objects.exists()


def test_revocation_keeps_the_row_and_records_who_why_and_when(completed_enrollment, administrator):
    certificate = issue_for_enrollment(completed_enrollment)

    services.revoke(certificate=certificate, reason="  姓名有误  ", by=administrator)

    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "姓名有误"
    assert certificate.revoked_by == administrator
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_cannot_be_revoked_again(completed_enrollment, administrator):
    certificate = issue_for_enrollment(completed_enrollment)
    services.revoke(certificate=certificate, reason="姓名有误", by=administrator)

    with pytest.raises(CertificateRefused) as refusal:
        services.revoke(certificate=certificate, reason="再次撤销", by=administrator)

    assert refusal.value.code == "already_revoked"


def test_revoking_needs_a_reason(completed_enrollment, administrator):
    certificate = issue_for_enrollment(completed_enrollment)

    with pytest.raises(CertificateRefused) as refusal:
        services.revoke(certificate=certificate, reason="   ", by=administrator)

    assert refusal.value.code == "reason_required"
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_correction_is_revocation_plus_a_new_certificate(completed_enrollment, administrator):
    old = issue_for_enrollment(completed_enrollment)
    services.revoke(certificate=old, reason="学时有误", by=administrator)

    new = issue_for_enrollment(completed_enrollment)

    assert new.pk != old.pk
    assert new.serial != old.serial
    assert new.sequence == old.sequence + 1
    assert new.verification_code != old.verification_code
    assert list(completed_enrollment.certificates.live()) == [new]


def test_a_certificate_without_a_source_is_refused_by_the_database(completed_enrollment):
    certificate = issue_for_enrollment(completed_enrollment)
    certificate.pk = None
    certificate.serial = "DQ-2000-T-999999"
    certificate.sequence = 999999
    certificate.verification_code = "x" * 22
    certificate.enrollment = None
    certificate.placement = None

    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.save()


def test_a_rendering_failure_writes_nothing_and_leaves_no_gap(completed_enrollment, finished_session, monkeypatch):
    issue_for_enrollment(EnrollmentFactory(session=finished_session, status=Enrollment.Status.COMPLETED))
    last_before = SerialCounter.objects.get().last

    def broken_render(items):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(pdf, "render_many", broken_render)
    with pytest.raises(RuntimeError):
        issue_for_enrollment(completed_enrollment)

    assert not completed_enrollment.certificates.exists()
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last == last_before


def test_a_storage_failure_removes_the_pdfs_already_written(completed_enrollment, finished_session, monkeypatch):
    second = EnrollmentFactory(session=finished_session, status=Enrollment.Status.COMPLETED)
    sources = [services.source_for_enrollment(completed_enrollment), services.source_for_enrollment(second)]
    saves = []
    real_save = Certificate.save

    def failing_second_save(self, *args, **kwargs):
        saves.append(self.pdf.name)
        if len(saves) == 2:
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Certificate, "save", failing_second_save)
    with pytest.raises(RuntimeError):
        services.issue(sources)

    assert not Certificate.objects.exists()
    assert not SerialCounter.objects.filter(last__gt=0).exists()
    assert [name for name in saves if Certificate.pdf.field.storage.exists(name)] == []


def test_verification_codes_are_long_url_safe_and_distinct(completed_enrollment, finished_session):
    second = EnrollmentFactory(session=finished_session, status=Enrollment.Status.COMPLETED)

    codes = [issue_for_enrollment(e).verification_code for e in (completed_enrollment, second)]

    for code in codes:
        assert len(code) >= 22
        assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
    assert codes[0] != codes[1]
