"""Several workers sending the same batch at once, and the same occasion
notified twice at once: every message goes out once (PostgreSQL: the workers
claim rows with SELECT … FOR UPDATE SKIP LOCKED)."""

import collections
import threading

import pytest
from django.db import connection, transaction

from notifications import delivery
from notifications.models import Delivery, Notification
from notifications.services import notify
from tests.factories import PractitionerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; SQLite serialises writers"
    ),
]


def run_together(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # collected for the test to check
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return errors


def test_four_workers_send_a_batch_of_300_emails_once_each(test_kind, smtp_sink, settings):
    people = [PractitionerFactory(email=f"p{n}@example.com", mobile="", user=None) for n in range(300)]
    # Queued on a backend that runs nothing: the four workers below do the sending.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with transaction.atomic():
        notify(kind="tests.hello", recipients=people, context={"what": "X"}, occasion="o")

    assert run_together([delivery.send_due] * 4) == []
    received = collections.Counter(smtp_sink.recipients())
    assert len(received) == 300
    assert max(received.values()) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_the_same_occasion_notified_twice_at_once_is_one_notification(test_kind, trainee):
    def tell():
        with transaction.atomic():
            notify(kind="tests.hello", recipients=[trainee], context={"what": "X"}, occasion="once")

    assert run_together([tell] * 4) == []
    assert Notification.objects.filter(user=trainee, occasion="once").count() == 1
    assert Delivery.objects.filter(notification__user=trainee).count() == 2
