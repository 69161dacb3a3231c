"""`manage.py send_reminders`: every registered reminder, once per person,
kind and occasion, in a number of queries that does not grow with the registry."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import reminders
from notifications.models import Notification
from talent.models import LearningRecord
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


def qualified(registered: datetime.date, **fields):
    return PractitionerFactory(qualification_level="assistant", registration_date=registered, user=None, **fields)


def test_reregistration_due_in_180_90_and_30_days_each_once():
    # Registered three years before 2027-05-30: re-registration 180 days after TODAY.
    person = qualified(datetime.date(2024, 5, 30))
    far = qualified(datetime.date(2025, 1, 1))  # re-registers in 2028

    def run(day):
        return reminders.run(day, kinds_only=["talent.reregistration_due"])["talent.reregistration_due"]

    assert run(TODAY - datetime.timedelta(days=1)) == 0  # 181 days before
    assert run(TODAY) == 1  # 180
    assert run(TODAY + datetime.timedelta(days=10)) == 0  # still the 180-day notice
    assert run(TODAY + datetime.timedelta(days=90)) == 1  # 90
    # A run missed on the 30th day sends the 30-day notice late, once.
    assert run(TODAY + datetime.timedelta(days=155)) == 1
    assert run(TODAY + datetime.timedelta(days=156)) == 0
    occasions = sorted(Notification.objects.filter(practitioner=person).values_list("occasion", flat=True))
    assert occasions == [f"reregistration:2027-05-30:{d}" for d in (180, 30, 90)]
    assert not Notification.objects.filter(practitioner=far).exists()


def test_continuing_education_behind_pace_monthly():
    behind = qualified(datetime.date(2025, 1, 1))
    on_pace = qualified(datetime.date(2025, 1, 1))
    LearningRecord.objects.create(
        practitioner=on_pace, date=datetime.date(2025, 6, 1), hours=Decimal("60"), title="课程", source="course"
    )
    assert reminders.run(TODAY, kinds_only=["talent.ce_behind"]) == {"talent.ce_behind": 1}
    (notification,) = Notification.objects.filter(kind="talent.ce_behind")
    assert notification.practitioner == behind
    assert "72" in notification.body
    assert reminders.run(TODAY + datetime.timedelta(days=5), kinds_only=["talent.ce_behind"]) == {"talent.ce_behind": 0}
    assert reminders.run(TODAY + datetime.timedelta(days=31), kinds_only=["talent.ce_behind"]) == {
        "talent.ce_behind": 1
    }


def test_the_command_is_idempotent_and_says_what_it_sent(sms_outbox, on_commit):
    qualified(datetime.date(2024, 5, 30))
    out = StringIO()
    with on_commit():
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "talent.reregistration_due: 1" in out.getvalue()
    sent = len(sms_outbox)
    assert sent >= 1
    out = StringIO()
    with on_commit():
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "0 new notifications" in out.getvalue()
    assert len(sms_outbox) == sent


def test_every_kind_of_reminder_is_registered():
    assert set(reminders.registered()) >= {
        "training.session_tomorrow",
        "placements.preference_deadline",
        "placements.hours_awaiting",
        "placements.evaluation_due",
        "talent.ce_behind",
        "talent.reregistration_due",
    }


def count_queries(day) -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders.run(day)
    return len(queries)


def test_the_reminders_queries_do_not_grow_with_the_number_of_people(settings):
    # Batches of INSERTs are the only thing that could grow (SQLite splits long
    # ones): keep them in one batch here by comparing 5 with 40 people.
    for _ in range(5):
        qualified(datetime.date(2024, 5, 30))
    few = count_queries(TODAY)
    for _ in range(35):
        qualified(datetime.date(2024, 5, 31))
    Notification.objects.all().delete()
    many = count_queries(TODAY)
    assert many == few
    # A second run sends nothing new.
    assert reminders.run(TODAY)["talent.reregistration_due"] == 0
