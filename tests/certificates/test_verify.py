"""Checking a certificate by hand: by the code printed on it, or by its serial
and the holder's name, within one rate limit per client address."""

import datetime
import secrets
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import issue_for_enrollment

FORM = reverse("certificates:verify-form")


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    cache.clear()


@pytest.fixture
def certificate(completed_enrollment):
    return issue_for_enrollment(completed_enrollment)


def by_serial(client, serial, name, **extra):
    return client.post(FORM, {"serial": serial, "name": name}, **extra)


# The printed code


def test_the_code_is_printed_grouped_for_reading(certificate):
    printed = certificate.printed_code

    assert len(certificate.verification_code) == 26
    assert printed.replace(" ", "") == certificate.verification_code
    assert [len(group) for group in printed.split(" ")] == [4, 4, 4, 4, 4, 4, 2]


def test_the_code_typed_as_people_type_it_finds_the_certificate(client, certificate):
    typed = certificate.printed_code.lower().replace("0", "o").replace("1", "l").replace(" ", "-")

    response = client.get(FORM, {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[certificate.verification_code])
    assert client.get(response["Location"]).context["status"] == "valid"


def test_the_qr_link_answers_in_json_as_before(client, certificate):
    response = client.get(certificate.get_verify_url(), headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.json()["status"] == "valid"
    assert response.json()["serial"] == certificate.serial


def test_a_certificate_with_an_older_code_still_verifies_by_exact_match(client, certificate):
    older = secrets.token_urlsafe(16)
    Certificate.objects.filter(pk=certificate.pk).update(verification_code=older)

    assert client.get(reverse("certificates:verify", args=[older])).status_code == 200
    assert client.get(FORM, {"code": older})["Location"] == reverse("certificates:verify", args=[older])
    assert client.get(reverse("certificates:verify", args=[older.swapcase()])).status_code == 404


# Serial and name


def test_the_serial_and_the_exact_name_find_the_certificate(client, certificate):
    response = by_serial(client, certificate.serial, "李学员")

    assert response.status_code == 200
    assert response.context["status"] == "valid"
    assert response.context["certificate"] == certificate
    content = response.content.decode()
    assert "李*员" in content
    assert "李学员" not in content


def test_the_serial_is_read_in_any_case_and_trimmed_and_the_name_trimmed(client, certificate):
    response = by_serial(client, f"  {certificate.serial.lower()} ", " 李学员 ")

    assert response.status_code == 200
    assert response.context["status"] == "valid"


def test_the_name_is_compared_in_its_composed_form(client, completed_enrollment):
    completed_enrollment.trainee.name = "José"  # composed é
    completed_enrollment.trainee.save()
    certificate = issue_for_enrollment(completed_enrollment)

    response = by_serial(client, certificate.serial, "Jose\u0301")  # e + combining acute

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["王学员", "李学", "李", "李学员员", "李 学员"])
def test_any_other_name_gets_the_answer_of_an_unknown_serial(client, certificate, name):
    unknown = by_serial(client, "DQ-1999-T-999999", "李学员")
    mismatch = by_serial(client, certificate.serial, name)

    assert mismatch.status_code == unknown.status_code == 404
    assert mismatch.context["status"] == unknown.context["status"] == "unknown"
    assert mismatch.context["certificate"] is None
    assert _main(mismatch) == _main(unknown)
    assert certificate.serial not in mismatch.content.decode()


def _main(response) -> str:
    """The answer itself, without the CSRF token and whatever else differs per request."""
    content = response.content.decode()
    return content[content.index("<h1") : content.index("</main>")]


def test_the_name_printed_on_the_certificate_still_verifies_after_the_holder_changes_name(client, certificate):
    holder = certificate.holder
    holder.name = "李新名"
    holder.save()

    assert by_serial(client, certificate.serial, "李学员").status_code == 200
    assert by_serial(client, certificate.serial, "李新名").status_code == 404


def test_the_serial_form_needs_both_fields(client, certificate):
    response = client.post(FORM, {"serial": certificate.serial})

    assert response.status_code == 200
    assert response.context["serial_form"].errors["name"]


def test_a_revoked_certificate_found_by_serial_and_name_is_shown_as_revoked(client, certificate, administrator):
    from certificates.services import revoke

    revoke(certificate=certificate, reason="姓名有误", by=administrator)

    response = by_serial(client, certificate.serial, "李学员")

    assert response.status_code == 200
    assert response.context["status"] == "revoked"


def test_the_verify_page_states_the_training_dates_and_the_completion_date(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 3),
        completed_on=datetime.date(2026, 12, 3),
        hours="24.0",
        issued_at=datetime.datetime(2026, 12, 4, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
    )

    content = client.get(certificate.get_verify_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    body = client.get(certificate.get_verify_url(), headers={"Accept": "application/json"}).json()

    assert "2026年12月1日 – 2026年12月3日" in content
    assert "2026年12月4日" in content
    assert '<dd class="col-sm-8" data-testid="completed-on">2026年12月3日</dd>' in content
    assert "24.0" not in content
    assert body["completed_on"] == "2026-12-03"
    assert (body["start_date"], body["end_date"]) == ("2026-12-01", "2026-12-03")


# One rate limit for every kind of lookup


def test_every_lookup_counts_against_the_limit_whatever_its_kind(client, certificate, settings):
    settings.VERIFY_RATE_PER_MINUTE = 4

    statuses = [
        client.get(certificate.get_verify_url()).status_code,
        by_serial(client, certificate.serial, "李学员").status_code,
        by_serial(client, certificate.serial, "王学员").status_code,
        client.get(reverse("certificates:verify", args=["A" * 26])).status_code,
        by_serial(client, certificate.serial, "李学员").status_code,
        client.get(certificate.get_verify_url()).status_code,
    ]

    assert statuses == [200, 200, 404, 404, 429, 429]


def test_a_form_that_is_not_filled_in_is_no_lookup(client, certificate, settings):
    settings.VERIFY_RATE_PER_MINUTE = 1

    client.post(FORM, {"serial": certificate.serial})
    client.get(FORM, {"code": "not a code!"})

    assert by_serial(client, certificate.serial, "李学员").status_code == 200


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, certificate, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.VERIFY_RATE_PER_MINUTE = 2
    url = certificate.get_verify_url()

    statuses = [client.get(url, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]

    assert statuses == [200, 200, 429]


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(client, certificate, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VERIFY_RATE_PER_MINUTE = 2
    url = certificate.get_verify_url()

    def lookup(address, claimed=""):
        forwarded = f"{claimed}, {address}" if claimed else address
        return client.get(url, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": forwarded}).status_code

    first = [lookup("203.0.113.7") for _ in range(3)]
    # What a client writes into the header itself is left of the proxy's entry: it changes nothing.
    spoofed = [lookup("203.0.113.7", claimed=f"192.0.2.{n}") for n in range(2)]
    second = [lookup("203.0.113.8") for _ in range(3)]

    assert first == [200, 200, 429]
    assert spoofed == [429, 429]
    assert second == [200, 200, 429]
