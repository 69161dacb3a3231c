"""Sending with retries against real local servers: an SMTP server that first
refuses and then accepts, and the fake SMS gateway. Nothing lost, nothing
sent twice, failures visible to administrators with a retry."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications import delivery
from notifications.models import Delivery
from notifications.services import notify
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return PractitionerFactory(email="person@example.com", mobile="13812345678", user=None)


def make_due():
    """Make every waiting delivery due, as if its back-off had passed."""
    Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_email_is_retried_after_a_refusing_smtp_server_and_sent_once(person, test_kind, smtp_sink, on_commit):
    smtp_sink.refuse_next(2)
    with on_commit():
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, occasion="o")

    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts) == ("pending", 1)
    assert "SMTP" in email.last_error or "421" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert smtp_sink.messages == []

    # Not due yet: running the retries sends nothing.
    assert delivery.send_due() == 0
    make_due()
    delivery.send_due()  # refused again: back-off doubles
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 2)
    assert email.next_attempt_at - timezone.now() > datetime.timedelta(seconds=90)

    make_due()
    call_command("retry_deliveries")
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert smtp_sink.recipients() == ["person@example.com"]
    # Run everything again: nothing is sent twice.
    make_due()
    call_command("retry_deliveries")
    delivery.send_due()
    assert smtp_sink.recipients() == ["person@example.com"]
    message = smtp_sink.parsed()[0]
    assert message["Subject"] == "Hello X"
    assert "SMS" not in message.get_content()


def test_sms_is_retried_after_a_failing_gateway_and_sent_once(person, test_kind, sms_gateway, on_commit, mailoutbox):
    sms_gateway.fail_next(1)
    with on_commit():
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, occasion="o")
    sms = Delivery.objects.get(channel="sms")
    assert (sms.status, sms.attempts) == ("pending", 1)
    assert sms_gateway.messages == []

    make_due()
    delivery.send_due()
    sms.refresh_from_db()
    assert (sms.status, sms.provider_id) == ("sent", sms_gateway.messages[0]["id"])
    make_due()
    delivery.send_due()
    assert sms_gateway.texts_to("13812345678") == [sms_gateway.messages[0]["text"]]
    assert len(sms_gateway.messages) == 1


def test_a_rate_limited_gateway_is_waited_for_as_long_as_it_asks(person, test_kind, sms_gateway, on_commit):
    sms_gateway.rate_limit_next(1, retry_after=3600)
    with on_commit():
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, occasion="o")
    sms = Delivery.objects.get(channel="sms")
    assert sms.next_attempt_at - timezone.now() > datetime.timedelta(minutes=59)


def test_after_the_last_attempt_the_delivery_fails_and_an_administrator_can_retry_it(
    person, test_kind, smtp_sink, settings, on_commit, client, administrator
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_sink.refuse_next(2)
    with on_commit():
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, occasion="o")
    make_due()
    delivery.send_due()
    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 2, None)
    make_due()
    assert delivery.send_due() == 0  # a failed delivery waits for a person

    client.force_login(administrator)
    listing = client.get(reverse("admin:notifications_delivery_changelist"), {"status__exact": "failed"})
    assert listing.status_code == 200
    assert "421" in listing.content.decode()  # the reason is listed

    with on_commit():
        response = client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "retry_now", "_selected_action": [email.pk]},
        )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == "sent"
    assert smtp_sink.recipients() == ["person@example.com"]


def test_a_coordinator_cannot_see_or_retry_deliveries(client, coordinator_a):
    client.force_login(coordinator_a)
    assert client.get(reverse("admin:notifications_delivery_changelist")).status_code in (302, 403)


def test_a_delivery_whose_task_was_lost_is_sent_by_the_retry_command(
    person, test_kind, smtp_sink, django_capture_on_commit_callbacks
):
    # The commit happened but the worker never ran the task (killed, queue lost).
    with django_capture_on_commit_callbacks(execute=False):
        notify(kind="tests.hello", recipients=[person], context={"what": "X"}, occasion="o")
    assert smtp_sink.messages == []
    call_command("retry_deliveries")
    assert smtp_sink.recipients() == ["person@example.com"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_back_off_doubles_up_to_six_hours(settings):
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert delivery.backoff(30) == datetime.timedelta(hours=6)
