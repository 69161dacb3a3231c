"""Sending deliveries by email and SMS, on the task queue, with retries.

A worker claims a chunk of due deliveries (`SELECT … FOR UPDATE SKIP LOCKED`
on PostgreSQL, so several workers share the work without sending anything
twice), sends each, and records the outcome in the same transaction: a row
is sent only while it is locked and still pending. A failure counts an
attempt, keeps the error and sets the next attempt after an exponential
back-off; after NOTIFICATIONS_MAX_ATTEMPTS the delivery is failed and shown
to administrators (admin: Deliveries, with a retry action).
`manage.py retry_deliveries` (and the task `deliver` without a batch) sends
whatever is due, including rows whose first task was lost.
"""

import contextlib
import datetime
import logging
import math

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from notifications import sms
from notifications.models import Delivery

logger = logging.getLogger(__name__)

CHUNK = 50


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4 … minutes, at most 6 hours."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_SECONDS", 60)
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


@task()
def deliver(batch: str | None = None) -> int:
    """Send the due deliveries (of one notify() call's `batch`, or all)."""
    return send_due(batch=batch)


def enqueue_batch(batch: str | None, *, deliveries: int = 1) -> None:
    """Queue the sending of a batch: one task per CHUNK deliveries, at most
    NOTIFICATIONS_SENDERS, which share the rows (each claims its own chunks)."""
    senders = max(1, min(math.ceil(deliveries / CHUNK), getattr(settings, "NOTIFICATIONS_SENDERS", 4)))
    for _ in range(senders):
        deliver.enqueue(batch=batch)


def send_due(*, batch: str | None = None) -> int:
    """Send due deliveries chunk by chunk until none is left; returns how many were sent."""
    sent = 0
    while True:
        claimed, ok = _send_chunk(batch)
        sent += ok
        if claimed < CHUNK:
            return sent


def _send_chunk(batch: str | None) -> tuple[int, int]:
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        if batch:
            due = due.filter(notification__batch=batch)
        rows = list(
            due.select_related("notification")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")[:CHUNK]
        )
        if not rows:
            return 0, 0
        sender = _Sender()
        ok = 0
        try:
            for row in rows:
                row.attempts += 1
                try:
                    row.provider_id = sender.send(row) or ""
                except Exception as exc:
                    _failed(row, exc, now)
                else:
                    row.status = Delivery.Status.SENT
                    row.sent_at = timezone.now()
                    row.last_error = ""
                    row.next_attempt_at = None
                    ok += 1
        finally:
            sender.close()
        Delivery.objects.bulk_update(
            rows, ["status", "attempts", "last_error", "next_attempt_at", "sent_at", "provider_id"]
        )
    return len(rows), ok


def _failed(row: Delivery, exc: Exception, now) -> None:
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    logger.warning("Delivery %s (%s) failed, attempt %s: %s", row.pk, row.channel, row.attempts, row.last_error)
    if row.attempts >= max_attempts():
        row.status = Delivery.Status.FAILED
        row.next_attempt_at = None
        return
    wait = backoff(row.attempts)
    hint = getattr(exc, "retry_after", None)
    if hint:
        wait = max(wait, datetime.timedelta(seconds=float(hint)))
    row.next_attempt_at = now + wait


class _Sender:
    """One SMTP connection per chunk, opened on the first email."""

    def __init__(self):
        self.connection = None

    def send(self, row: Delivery) -> str:
        notification = row.notification
        if row.channel == Delivery.Channel.EMAIL:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()
            message = EmailMessage(
                subject=notification.subject,
                body=notification.body,
                to=[row.address],
                connection=self.connection,
            )
            try:
                message.send()
            except Exception:
                # The connection may be broken: the next email opens a new one.
                self.close()
                raise
            return ""
        if row.channel == Delivery.Channel.SMS:
            text = notification.sms_text or notification.subject
            return str(sms.send_sms(row.address, text, kind=notification.kind) or "")
        raise ValueError(f"Unknown channel {row.channel!r}")

    def close(self):
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.connection.close()
            self.connection = None


@transaction.atomic
def retry(*, deliveries) -> int:
    """Put failed (or waiting) deliveries back in the queue now; sent ones are left alone."""
    pks = [d.pk for d in deliveries]
    count = (
        Delivery.objects.filter(pk__in=pks)
        .exclude(status=Delivery.Status.SENT)
        .update(status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0)
    )
    if count:
        transaction.on_commit(lambda: enqueue_batch(None))
    return count
