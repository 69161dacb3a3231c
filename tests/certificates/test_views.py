import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.models import Certificate, CertificateBatch
from certificates.services import issue_for_enrollment, revoke
from tests.factories import EnrollmentFactory
from training.models import Enrollment


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    # The cache is a database table: rolled back after each test, but left
    # over from tests that commit (transactional ones).
    cache.clear()


@pytest.fixture
def certificate(completed_enrollment):
    return issue_for_enrollment(completed_enrollment)


def pdf_url(certificate) -> str:
    return reverse("certificates:pdf", args=[certificate.serial])


def verify_url(code: str) -> str:
    return reverse("certificates:verify", args=[code])


# Downloading a PDF


@pytest.mark.parametrize("who", ["trainee", "coordinator_a", "administrator"])
def test_the_holder_the_issuing_coordinator_and_the_administrator_download_the_pdf(client, certificate, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(pdf_url(certificate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_trainee", "coordinator_b"])
def test_anyone_else_gets_not_found(client, certificate, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(pdf_url(certificate)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, certificate):
    response = client.get(pdf_url(certificate))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Verifying


def test_a_valid_certificate_shows_the_masked_name_only(client, certificate):
    response = client.get(verify_url(certificate.verification_code))

    assert response.status_code == 200
    content = response.content.decode()
    assert "李*员" in content
    assert "李学员" not in content
    assert certificate.serial in content


def test_verification_answers_json_when_asked(client, certificate):
    response = client.get(verify_url(certificate.verification_code), headers={"Accept": "application/json"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["holder"] == "李*员"
    assert body["serial"] == certificate.serial
    assert body["title"] == "社会工作实务基础"
    assert body["revoked_on"] is None
    assert "李学员" not in response.content.decode()


def test_a_revoked_certificate_is_shown_as_revoked(client, certificate, administrator):
    revoke(certificate=certificate, reason="姓名有误", by=administrator)

    response = client.get(verify_url(certificate.verification_code), headers={"Accept": "application/json"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "revoked"
    assert body["revoked_on"] is not None
    page = client.get(verify_url(certificate.verification_code))
    assert page.status_code == 200
    assert "李*员" in page.content.decode()


def test_the_json_dates_are_the_local_dates_printed_on_the_certificate(client, certificate, administrator):
    # 07:30 in Daqing is 23:30 UTC the day before.
    early_morning = datetime.datetime(2026, 3, 1, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=early_morning, revoked_at=early_morning, revocation_reason="姓名有误"
    )

    body = client.get(verify_url(certificate.verification_code), headers={"Accept": "application/json"}).json()

    assert body["issued_on"] == "2026-03-01"
    assert body["revoked_on"] == "2026-03-01"


def test_an_unknown_code_is_not_found(client, db):
    code = "A" * 22

    assert client.get(verify_url(code)).status_code == 404
    response = client.get(verify_url(code), headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"status": "unknown"}


def test_lookups_are_rate_limited_per_address(client, certificate, settings):
    settings.VERIFY_RATE_PER_MINUTE = 3
    url = verify_url(certificate.verification_code)

    statuses = [client.get(url, headers={"Accept": "application/json"}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert client.get(url).status_code == 429


def test_the_verify_form_redirects_to_the_verify_page(client, certificate):
    code = certificate.verification_code

    response = client.get(reverse("certificates:verify-form"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == verify_url(code)


def test_the_verify_form_rejects_a_malformed_code(client, db):
    response = client.get(reverse("certificates:verify-form"), {"code": "not a code!"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


# Revoking


def test_an_administrator_revokes_with_a_reason(client, certificate, administrator):
    client.force_login(administrator)

    response = client.post(reverse("certificates:revoke", args=[certificate.serial]), {"reason": "学时有误"})

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revocation_reason == "学时有误"
    assert certificate.revoked_by == administrator


@pytest.mark.parametrize("who", ["coordinator_a", "trainee"])
def test_coordinators_and_trainees_cannot_revoke(client, certificate, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("certificates:revoke", args=[certificate.serial]), {"reason": "学时有误"})

    assert response.status_code == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked


# Batches


@pytest.fixture
def three_completed(finished_session, completed_enrollment):
    others = EnrollmentFactory.create_batch(2, session=finished_session, status=Enrollment.Status.COMPLETED)
    EnrollmentFactory(session=finished_session, status=Enrollment.Status.FAILED)
    return [completed_enrollment, *others]


def test_a_coordinator_sees_the_batch_page(client, coordinator_a, finished_session, three_completed):
    client.force_login(coordinator_a)

    response = client.get(reverse("certificates:session-batch", args=[finished_session.pk]))

    assert response.status_code == 200
    assert response.context["total"] == 3
    assert response.context["done"] == 0


def test_posting_the_batch_queues_it_and_a_worker_issues_the_certificates(
    client, coordinator_a, finished_session, three_completed, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("certificates:session-batch", args=[finished_session.pk]))

    assert response.status_code == 302  # back to the page, which follows the batch
    assert not Certificate.objects.exists()  # nothing issued in the request
    batch = CertificateBatch.objects.get()
    assert batch.status == CertificateBatch.Status.QUEUED
    page = client.get(reverse("certificates:session-batch", args=[finished_session.pk]))
    assert page.context["batch_progress"]["in_hand"]
    assert reverse("certificates:batch-progress", args=[batch.pk]) in page.content.decode()

    for callback in queued:  # the commit: the task is queued, and the tests' backend runs it at once
        callback()

    progress = client.get(reverse("certificates:batch-progress", args=[batch.pk])).json()
    assert progress | {"status_display": ""} == {
        "status": "finished",
        "status_display": "",
        "done": 3,
        "total": 3,
        "refused": 0,
        "finished": True,
        "in_hand": False,
        "stopped": False,
    }
    assert Certificate.objects.live().filter(enrollment__session=finished_session).count() == 3


def test_the_batch_answers_json_when_asked(
    client, coordinator_a, finished_session, three_completed, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:session-batch", args=[finished_session.pk]), headers={"Accept": "application/json"}
        )

    assert response.status_code == 202
    batch = CertificateBatch.objects.get()
    assert response.json()["url"] == reverse("certificates:batch-progress", args=[batch.pk])
    assert client.get(response.json()["url"]).json()["done"] == 3


def test_another_bases_coordinator_cannot_follow_a_batch(
    client, coordinator_a, coordinator_b, finished_session, three_completed, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:session-batch", args=[finished_session.pk]))
    client.force_login(coordinator_b)

    response = client.get(reverse("certificates:batch-progress", args=[CertificateBatch.objects.get().pk]))

    assert response.status_code == 404


def test_another_bases_coordinator_cannot_issue(client, coordinator_b, finished_session, three_completed):
    client.force_login(coordinator_b)

    response = client.post(reverse("certificates:session-batch", args=[finished_session.pk]))

    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_the_zip_holds_one_pdf_per_certificate(client, coordinator_a, finished_session, three_completed):
    certificates = [issue_for_enrollment(e) for e in three_completed]
    client.force_login(coordinator_a)

    response = client.get(reverse("certificates:session-zip", args=[finished_session.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"{c.serial}.pdf" for c in certificates)
    for name in archive.namelist():
        assert archive.read(name).startswith(b"%PDF")
