"""Benchmark: notifications of a 3,000-trainee round, and reminders over the registry.

1. A round of 3,000 proposed placements is confirmed through the real page
   (POST /placements/manage/rounds/<id>/confirm/ with the test client): the
   request writes 3,000 notifications and their deliveries and queues the
   sending, so it returns fast (`confirm_request_ms`, target < 1 s).
2. One worker (`manage.py db_worker`, the database task backend) delivers
   them: email to a real local SMTP server (tests/notifications/smtp_sink.py)
   and SMS to the fake HTTP gateway (tests/notifications/fake_sms_gateway.py,
   through the http SMS backend). `deliveries`, `deliveries_per_s`; then every
   sending path runs again (worker, retry command) and `duplicates` counts
   messages received more than once (must be 0).
3. `send_reminders` over 10,000 and then 100,000 practitioners (qualified,
   registered over the last three years, with some continuing-education
   hours): `reminder_queries_10k` and `reminder_queries_100k` (equal: the
   count does not grow with the registry), `reminders_seconds` for the
   100,000 (target < 60 s), `reminders_sent`, and `second_run_sent` (a second
   run the same day sends nothing: 0).

Everything runs in a throwaway database: PostgreSQL when DATABASE_URL points
there (the figures that matter), SQLite otherwise (where long INSERTs are
split into batches, so the query counts differ between 10k and 100k).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agent_a .venv/bin/python bench/notifications.py

The last line printed is one JSON object with the figures.
"""

import os

# The real queue: the confirmation enqueues, a worker sends.
os.environ["TASKS_BACKEND"] = "database"

# isort: split

import collections
import datetime
import json
import random
import sys
import time
from decimal import Decimal

from _django import throwaway_database

# isort: split

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import reminders
from notifications.models import Delivery, Notification
from placements.models import Placement, PlacementRound, Position, PracticeBase
from talent import resident_id
from talent.models import LearningRecord, Practitioner, SubDistrict, User
from tests.notifications.fake_sms_gateway import start_fake_gateway
from tests.notifications.smtp_sink import start_smtp_sink

SEED = 2026
TRAINEES = 3000
POSITIONS = 60
REGISTRY_SMALL = 10_000
REGISTRY_LARGE = 100_000
CONFIRM_TARGET_MS = 1000
REMINDERS_TARGET_S = 60
TODAY = timezone.localdate()


def valid_id(n: int) -> str:
    first_17 = f"230602{datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return first_17 + resident_id.check_character(first_17)


def name(n: int) -> str:
    return "张" + "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(n))


def people(start: int, count: int, **fields) -> list[Practitioner]:
    return Practitioner.objects.bulk_create(
        (
            Practitioner(
                name=name(n),
                resident_id=valid_id(n),
                mobile=f"139{n:08d}",
                email=f"p{n}@bench.example.com",
                **fields,
            )
            for n in range(start, start + count)
        ),
        batch_size=5000,
    )


def confirm_round() -> dict:
    """A round of TRAINEES proposals, confirmed through the page."""
    organiser = User.objects.create_superuser(email="organiser@bench.example.com")
    round = PlacementRound.objects.create(
        name="bench round",
        internship_start=TODAY + datetime.timedelta(days=30),
        internship_end=TODAY + datetime.timedelta(days=120),
        preference_deadline=timezone.now() - datetime.timedelta(days=1),
        status=PlacementRound.Status.MATCHING,
        required_hours=120,
        # Published, and the appeal window closed: confirmation may go ahead.
        published_at=timezone.now() - datetime.timedelta(days=4),
    )
    round.organisers.add(organiser)
    bases = [
        PracticeBase.objects.create(
            sub_district=SubDistrict.objects.create(code=f"b{i}", name=f"街道{i}", district="区")
        )
        for i in range(6)
    ]
    positions = Position.objects.bulk_create(
        Position(round=round, base=bases[i % 6], code=f"P{i}", title=f"岗位{i}", capacity=TRAINEES // POSITIONS)
        for i in range(POSITIONS)
    )
    trainees = people(1, TRAINEES)
    Placement.objects.bulk_create(
        Placement(trainee=t, round=round, position=positions[i % POSITIONS], status=Placement.Status.PROPOSED)
        for i, t in enumerate(trainees)
    )
    client = Client()
    client.force_login(organiser)
    url = reverse("placements:confirm-round", args=[round.pk])
    # The organiser opens the round's page first (and the process warms up), then confirms.
    assert client.get(reverse("placements:manage-round", args=[round.pk])).status_code == 200
    started = time.perf_counter()
    response = client.post(url)
    confirm_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.status_code
    confirmed = Placement.objects.filter(round=round, status=Placement.Status.CONFIRMED).count()
    print(f"confirm: {confirmed} placements in {confirm_ms:.0f} ms (the request; sending queued)")
    return {"confirm_request_ms": round_ms(confirm_ms), "confirmed": confirmed}


def round_ms(ms: float) -> float:
    return float(f"{ms:.1f}")


def deliver(smtp, gateway) -> dict:
    deliveries = Delivery.objects.count()
    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    seconds = time.perf_counter() - started
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    print(f"worker: {sent} of {deliveries} deliveries sent in {seconds:.1f} s ({sent / seconds:.0f}/s)")
    # Every sending path once more: nothing may go out twice.
    call_command("retry_deliveries", verbosity=0)
    Delivery.objects.update(next_attempt_at=timezone.now())
    from notifications import delivery

    delivery.enqueue_batch(None)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    emails = collections.Counter(smtp.recipients())
    texts = collections.Counter(message["to"] for message in gateway.messages)
    duplicates = sum(n - 1 for n in emails.values() if n > 1) + sum(n - 1 for n in texts.values() if n > 1)
    received = sum(emails.values()) + sum(texts.values())
    print(f"received: {sum(emails.values())} emails, {sum(texts.values())} SMS; duplicates {duplicates}")
    return {
        "notifications": Notification.objects.count(),
        "deliveries": deliveries,
        "delivered": sent,
        "received": received,
        "deliveries_per_s": float(f"{sent / seconds:.1f}"),
        "deliver_seconds": float(f"{seconds:.2f}"),
        "duplicates": duplicates,
    }


def registry(start: int, count: int, rng: random.Random) -> None:
    """Qualified social workers registered over the last three years; most have some hours."""
    batch = []
    for n in range(start, start + count):
        registered = TODAY - datetime.timedelta(days=rng.randint(1, 3 * 365))
        batch.append(
            Practitioner(
                name=name(n),
                resident_id=valid_id(n),
                mobile=f"138{n:08d}",
                email=f"r{n}@bench.example.com" if n % 3 == 0 else "",
                qualification_level=rng.choice(["assistant", "intermediate"]),
                registration_date=registered,
            )
        )
    created = Practitioner.objects.bulk_create(batch, batch_size=5000)
    LearningRecord.objects.bulk_create(
        (
            LearningRecord(
                practitioner=p,
                date=p.registration_date + datetime.timedelta(days=rng.randint(0, (TODAY - p.registration_date).days)),
                hours=Decimal(rng.randint(1, 95)),
                title="培训",
                source=LearningRecord.Source.COURSE,
            )
            for p in created
            if rng.random() < 0.8
        ),
        batch_size=5000,
    )


def run_reminders() -> tuple[int, int, float]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = reminders.run(TODAY)
        seconds = time.perf_counter() - started
    return sum(sent.values()), len(queries), seconds


def reminders_figures(rng: random.Random) -> dict:
    base = 1_000_000
    registry(base, REGISTRY_SMALL, rng)
    sent_small, queries_small, seconds_small = run_reminders()
    print(f"reminders over {REGISTRY_SMALL:,}: {sent_small} sent, {queries_small} queries, {seconds_small:.1f} s")
    registry(base + REGISTRY_SMALL, REGISTRY_LARGE - REGISTRY_SMALL, rng)
    Notification.objects.all().delete()  # the 100,000 run starts as a first run too
    sent_large, queries_large, seconds_large = run_reminders()
    print(f"reminders over {REGISTRY_LARGE:,}: {sent_large} sent, {queries_large} queries, {seconds_large:.1f} s")
    second, _queries, second_seconds = run_reminders()
    print(f"second run the same day: {second} sent ({second_seconds:.1f} s)")
    return {
        "reminders_seconds": float(f"{seconds_large:.2f}"),
        "reminders_sent": sent_large,
        "reminder_queries_10k": queries_small,
        "reminder_queries_100k": queries_large,
        "second_run_sent": second,
        "second_run_seconds": float(f"{second_seconds:.2f}"),
    }


def main() -> dict:
    smtp = start_smtp_sink()
    sms_url, gateway = start_fake_gateway(key="bench-key")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = smtp.host, smtp.port, False
    settings.SMS_BACKEND = "notifications.sms.backends.http.SMSBackend"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = sms_url, "bench-key"
    settings.SMS_RATE_PER_SECOND = 0
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    figures = {"database": connection.vendor, "trainees": TRAINEES}
    try:
        with throwaway_database():
            figures |= confirm_round()
            figures |= deliver(smtp, gateway)
            figures |= reminders_figures(random.Random(SEED))
    finally:
        smtp.stop()
        gateway.stop()
    if figures["confirm_request_ms"] >= CONFIRM_TARGET_MS:
        print(
            f"!!! WARNING: the confirmation took {figures['confirm_request_ms']} ms (target < {CONFIRM_TARGET_MS}) !!!"
        )
    if figures["duplicates"]:
        print(f"!!! WARNING: {figures['duplicates']} messages were received twice !!!")
    if figures["reminders_seconds"] >= REMINDERS_TARGET_S:
        print(f"!!! WARNING: reminders took {figures['reminders_seconds']} s (target < {REMINDERS_TARGET_S}) !!!")
    if figures["reminder_queries_10k"] != figures["reminder_queries_100k"]:
        print("!!! WARNING: the reminders' query count grows with the registry !!!")
    if figures["second_run_sent"]:
        print("!!! WARNING: a second run of the reminders sent again !!!")
    return figures


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    print(json.dumps(main()))
