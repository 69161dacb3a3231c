"""The database count of continuing-education states agrees with the ledger's
person-by-person classification."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest

from reports.compliance import annotate_cycle_state, compliance_counts
from talent import ledger
from talent.models import LearningRecord, Practitioner
from tests.factories import PractitionerFactory

D = datetime.date
LEVELS = ["assistant", "intermediate", "senior"]


def people_with_hours(seed: int, count: int = 60) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    for n in range(count):
        # Some registrations on 29 February, some in each of the last few cycles.
        if n % 10 == 0:
            registered = D(rng.choice([2012, 2016, 2020, 2024]), 2, 29)
        else:
            registered = D(2012, 1, 1) + datetime.timedelta(days=rng.randrange(0, 5200))
        person = PractitionerFactory(
            qualification_level=LEVELS[n % 3],
            qualification_certificate_number=f"Z{n}",
            registration_date=registered,
        )
        for _ in range(rng.randrange(0, 6)):
            LearningRecord.objects.create(
                practitioner=person,
                date=registered + datetime.timedelta(days=rng.randrange(0, 5000)),
                hours=Decimal(rng.randrange(5, 400)) / 10,
                title="课程",
                source=LearningRecord.Source.COURSE,
            )
    # Not counted: unqualified, unregistered, registered in the future.
    PractitionerFactory(qualification_level="none", registration_date=D(2020, 1, 1))
    PractitionerFactory(qualification_level="senior", registration_date=None)
    PractitionerFactory(qualification_level="senior", registration_date=D(2099, 1, 1))


@pytest.mark.parametrize(
    "today",
    [D(2026, 11, 28), D(2025, 2, 28), D(2028, 2, 29), D(2027, 3, 1), D(2024, 6, 30), D(2032, 2, 28)],
)
def test_database_states_agree_with_the_ledger_person_by_person(db, today):
    people_with_hours(seed=today.toordinal())
    expected = {
        status.practitioner.pk: status.state for status in ledger.report(Practitioner.objects.all(), today=today)
    }
    counted = dict(annotate_cycle_state(Practitioner.objects.all(), today).values_list("pk", "state"))
    assert counted == expected
    assert compliance_counts(Practitioner.objects.all(), today) == {
        state: Counter(expected.values())[state] for state in (ledger.ON_PACE, ledger.AT_RISK, ledger.SHORT)
    }


def test_hand_computed_states(db):
    today = D(2026, 6, 30)

    def person(registered, hours, level="intermediate"):
        p = PractitionerFactory(qualification_level=level, registration_date=registered)
        if hours:
            LearningRecord.objects.create(
                practitioner=p, date=registered, hours=Decimal(hours), title="课程", source="course"
            )
        return p

    # Halfway through the cycle 45 of 90 hours are expected.
    person(D(2025, 1, 1), "60")  # ahead: on pace
    person(D(2025, 1, 1), "10")  # behind: at risk
    person(D(2023, 9, 1), "20")  # re-registration 2026-09-01, within 183 days: short
    person(D(2023, 9, 1), "90")  # done: on pace
    person(D(2020, 9, 1), "90")  # that was the last cycle; this one started 2023-09-01 with nothing: short
    assert compliance_counts(Practitioner.objects.all(), today) == {"on_pace": 2, "at_risk": 1, "short": 2}


def test_counts_in_two_queries_whatever_the_number_of_people(db, django_assert_num_queries):
    people_with_hours(seed=1, count=5)
    with django_assert_num_queries(2):
        compliance_counts(Practitioner.objects.all(), D(2026, 1, 1))
    people_with_hours(seed=2, count=40)
    with django_assert_num_queries(2):
        compliance_counts(Practitioner.objects.all(), D(2026, 1, 1))


def test_nobody_qualified_counts_zero(db):
    PractitionerFactory()
    assert compliance_counts(Practitioner.objects.all()) == {"on_pace": 0, "at_risk": 0, "short": 0}
