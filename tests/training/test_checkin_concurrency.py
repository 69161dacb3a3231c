"""Check-ins at the same moment. SQLite serialises writers, so these tests
mean something only on PostgreSQL."""

import pytest
from django.db import connection

from tests.factories import TrainingBaseFactory
from tests.training.meetings import at, meeting, past_session
from tests.training.test_checkin import code, person
from tests.training.test_concurrency import run_together
from training import attendance
from training.models import Attendance

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; SQLite serialises writers"),
]


def test_a_double_tap_and_a_crowd_at_once_make_one_row_each():
    session = past_session(TrainingBaseFactory())
    m = meeting(session, start="09:00", end="12:00", hours="3")
    crowd = [person(session) for _ in range(12)]
    now = at(m.date, "08:55")
    token = code(m, "08:55")
    # Every person scans three times at once.
    calls = [lambda user=user: attendance.check_in(token=token, user=user, now=now) for user in crowd for _ in range(3)]

    errors = run_together(calls)

    assert errors == []
    assert Attendance.objects.filter(meeting=m).count() == len(crowd)
    assert set(Attendance.objects.values_list("status", flat=True)) == {Attendance.Status.PRESENT}
