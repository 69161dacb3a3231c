import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from talent import ledger
from talent import services as talent_services
from talent.models import LearningRecord, Practitioner
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

D = datetime.date
# A cycle of 2025-01-01 .. 2028-01-01 (1095 days); TODAY is 547 days in, so
# 90 hours pro rata are 45.0 by now.
REGISTERED = D(2025, 1, 1)
TODAY = D(2026, 7, 2)
CYCLE_END = D(2028, 1, 1)


@pytest.fixture(autouse=True)
def _hours_required(settings):
    settings.CONTINUING_EDUCATION_CYCLE_YEARS = 3
    settings.CONTINUING_EDUCATION_REQUIRED_HOURS = {"assistant": 72, "intermediate": 90, "senior": 90}


def qualified(*, level: str = "intermediate", registered: datetime.date | None = REGISTERED, **fields):
    return PractitionerFactory(
        qualification_level=level,
        qualification_certificate_number="ZG1" if level != "none" else "",
        registration_date=registered,
        **fields,
    )


def learned(practitioner: Practitioner, hours, day: datetime.date = TODAY) -> LearningRecord:
    return LearningRecord.objects.create(
        practitioner=practitioner, date=day, hours=Decimal(hours), title="继续教育", source="course"
    )


@pytest.mark.parametrize(
    ("registered", "today", "cycle"),
    [
        (D(2023, 3, 1), D(2026, 11, 28), (D(2026, 3, 1), D(2029, 3, 1))),
        (D(2023, 3, 1), D(2023, 3, 1), (D(2023, 3, 1), D(2026, 3, 1))),
        (D(2023, 3, 1), D(2026, 2, 28), (D(2023, 3, 1), D(2026, 3, 1))),
        (D(2023, 3, 1), D(2026, 3, 1), (D(2026, 3, 1), D(2029, 3, 1))),
        (D(2010, 6, 15), D(2026, 6, 14), (D(2025, 6, 15), D(2028, 6, 15))),
    ],
)
def test_current_cycle_is_the_three_year_span_containing_today(registered, today, cycle):
    assert ledger.current_cycle(registered, today) == cycle


def test_cycle_length_comes_from_the_settings(settings):
    settings.CONTINUING_EDUCATION_CYCLE_YEARS = 2
    assert ledger.current_cycle(D(2023, 3, 1), D(2026, 11, 28)) == (D(2025, 3, 1), D(2027, 3, 1))


def test_cycle_of_a_29_february_registration_ends_on_28_february():
    assert ledger.current_cycle(D(2020, 2, 29), D(2021, 1, 1)) == (D(2020, 2, 29), D(2023, 2, 28))


def test_cycle_of_a_29_february_registration_starts_on_the_anniversary_in_a_leap_year():
    assert ledger.current_cycle(D(2020, 2, 29), D(2032, 3, 15)) == (D(2032, 2, 29), D(2035, 2, 28))
    assert ledger.current_cycle(D(2020, 2, 29), D(2032, 2, 28)) == (D(2029, 2, 28), D(2032, 2, 29))


@pytest.mark.parametrize(
    ("hours", "state"),
    [("45", ledger.ON_PACE), ("44.9", ledger.AT_RISK), ("0", ledger.AT_RISK), ("90", ledger.ON_PACE)],
)
def test_state_against_the_pro_rata_pace(hours, state):
    practitioner = qualified()
    if Decimal(hours):
        learned(practitioner, hours)
    status = ledger.cycle_status(practitioner, today=TODAY)
    assert (status.cycle_start, status.reregistration_date) == (REGISTERED, CYCLE_END)
    assert status.expected_by_now == Decimal("45.0")
    assert status.earned == Decimal(hours)
    assert status.state == state


@pytest.mark.parametrize(
    ("days_left", "hours", "state"),
    [
        (183, "89", ledger.SHORT),
        (1, "0", ledger.SHORT),
        (183, "90", ledger.ON_PACE),
        (184, "89", ledger.ON_PACE),
        (184, "60", ledger.AT_RISK),
    ],
)
def test_short_in_the_last_183_days_below_the_requirement(days_left, hours, state):
    practitioner = qualified()
    if Decimal(hours):
        learned(practitioner, hours, REGISTERED)
    today = CYCLE_END - datetime.timedelta(days=days_left)
    assert ledger.cycle_status(practitioner, today=today).state == state


@pytest.mark.parametrize(
    "fields",
    [
        {"level": "none"},
        {"registered": None},
        {"registered": TODAY + datetime.timedelta(days=1)},
    ],
)
def test_not_applicable_without_qualification_or_registration(fields):
    practitioner = qualified(**fields)
    learned(practitioner, "5")
    status = ledger.cycle_status(practitioner, today=TODAY)
    assert status.state == ledger.NOT_APPLICABLE
    assert status.cycle_start is None


def test_required_hours_follow_the_qualification_level():
    assert ledger.cycle_status(qualified(level="assistant"), today=TODAY).required == 72
    assert ledger.cycle_status(qualified(level="senior"), today=TODAY).required == 90


def test_required_hours_come_from_the_settings(settings):
    practitioner = qualified()
    learned(practitioner, "50")
    near_the_end = CYCLE_END - datetime.timedelta(days=30)
    assert ledger.cycle_status(practitioner, today=near_the_end).state == ledger.SHORT

    settings.CONTINUING_EDUCATION_REQUIRED_HOURS = {"intermediate": 40}

    status = ledger.cycle_status(practitioner, today=near_the_end)
    assert status.required == 40
    assert status.state == ledger.ON_PACE
    assert status.missing == 0
    assert ledger.cycle_status(qualified(level="assistant"), today=TODAY).state == ledger.NOT_APPLICABLE


def test_only_records_inside_the_current_cycle_count():
    practitioner = qualified(registered=D(2023, 3, 1))
    learned(practitioner, "7", D(2026, 2, 28))  # the previous cycle
    learned(practitioner, "3", D(2026, 3, 1))  # first day of this one
    learned(practitioner, "2", D(2027, 5, 1))  # later in this cycle, entered ahead of time
    learned(practitioner, "11", D(2029, 3, 1))  # the next cycle
    status = ledger.cycle_status(practitioner, today=D(2026, 11, 28))
    assert status.earned == Decimal("5")
    assert status.missing == Decimal("85")


def test_report_agrees_with_cycle_status_and_skips_the_unqualified():
    on_pace = qualified(name="达标")
    learned(on_pace, "60")
    at_risk = qualified(name="落后")
    learned(at_risk, "10")
    learned(at_risk, "30", REGISTERED - datetime.timedelta(days=1))
    short = qualified(name="临期", registered=D(2023, 8, 1))
    learned(short, "20", D(2025, 1, 1))
    fresh = qualified(name="新注册", registered=TODAY)
    unqualified = qualified(name="无资格", level="none")
    unregistered = qualified(name="未注册", registered=None)

    statuses = {status.practitioner.pk: status for status in ledger.report(Practitioner.objects.all(), today=TODAY)}

    assert set(statuses) == {on_pace.pk, at_risk.pk, short.pk, fresh.pk}
    for person in (on_pace, at_risk, short, fresh):
        alone = ledger.cycle_status(person, today=TODAY)
        assert (statuses[person.pk].state, statuses[person.pk].earned) == (alone.state, alone.earned)
    assert [statuses[p.pk].state for p in (on_pace, at_risk, short, fresh)] == [
        ledger.ON_PACE,
        ledger.AT_RISK,
        ledger.SHORT,
        ledger.ON_PACE,
    ]
    assert unqualified.pk not in statuses
    assert unregistered.pk not in statuses


@pytest.mark.parametrize("people", [2, 20])
def test_report_query_count_does_not_grow_with_people(people, django_assert_num_queries):
    for n in range(people):
        registered = REGISTERED + datetime.timedelta(days=n * 20)
        practitioner = qualified(registered=registered)
        learned(practitioner, "5")
        learned(practitioner, "5", registered - datetime.timedelta(days=1))
    with django_assert_num_queries(2):
        statuses = ledger.report(Practitioner.objects.all(), today=TODAY)
        assert [status.earned for status in statuses] == [Decimal("5")] * people


def test_crediting_the_same_source_key_twice_creates_one_record():
    practitioner = qualified()
    first = talent_services.credit_hours(
        practitioner=practitioner,
        hours=Decimal("10"),
        date=TODAY,
        title="个案工作",
        source=LearningRecord.Source.COURSE,
        source_key="training.enrollment:1",
    )
    second = talent_services.credit_hours(
        practitioner=practitioner,
        hours=Decimal("10"),
        date=TODAY,
        title="个案工作",
        source=LearningRecord.Source.COURSE,
        source_key="training.enrollment:1",
    )
    assert second.pk == first.pk
    assert LearningRecord.objects.filter(practitioner=practitioner).count() == 1


def test_crediting_without_a_source_key_adds_each_time():
    practitioner = qualified()
    for _ in range(2):
        talent_services.credit_hours(
            practitioner=practitioner, hours=Decimal("2"), date=TODAY, title="讲座", note="证书"
        )
    assert LearningRecord.objects.filter(practitioner=practitioner).count() == 2


def test_external_record_without_a_note_fails_full_clean():
    record = LearningRecord(
        practitioner=qualified(), date=TODAY, hours=Decimal("4"), title="外部培训", source="external", note=""
    )
    with pytest.raises(ValidationError) as invalid:
        record.full_clean()
    assert [error.code for error in invalid.value.error_dict[NON_FIELD_ERRORS]] == ["note_required"]


def test_crediting_external_hours_without_a_note_writes_nothing():
    with pytest.raises(ValidationError):
        talent_services.credit_hours(practitioner=qualified(), hours=Decimal("4"), date=TODAY, title="外部培训")
    assert LearningRecord.objects.count() == 0
