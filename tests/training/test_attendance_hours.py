"""Attended hours from the register, and how they feed the results and the 80% rule."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from tests.training.meetings import at, meeting, past_session, seated
from training import attendance, register, services
from training.attendance import Mark
from training.models import Attendance, Enrollment
from training.services import EnrollmentRefused, Result

pytestmark = pytest.mark.django_db
S = Attendance.Status


def row(m, status, arrived=None, left=None, reason=""):
    return Attendance(
        meeting=m,
        status=status,
        reason=reason,
        checked_in_at=at(m.date, arrived) if arrived else None,
        checked_out_at=at(m.date, left) if left else None,
    )


@pytest.mark.parametrize(
    ("status", "arrived", "left", "hours"),
    [
        (S.PRESENT, None, None, "3"),
        (S.PRESENT, "08:40", None, "3"),
        (S.LATE, "09:20", None, "2.5"),  # 2 h 40 min there: down to 2.5
        (S.LATE, "09:07", None, "2.75"),  # 2 h 53 min
        (S.LEFT_EARLY, None, "11:10", "2"),  # 2 h 10 min
        (S.LEFT_EARLY, "09:20", "11:10", "1.75"),  # late and left early: 1 h 50 min
        (S.LEFT_EARLY, None, "09:14", "0"),
        (S.ABSENT, None, None, "0"),
        (S.EXCUSED, None, None, "0"),
    ],
)
def test_hours_of_one_meeting(training_base_a, status, arrived, left, hours):
    m = meeting(past_session(training_base_a), start="09:00", end="12:00", hours="3")
    assert register.hours_at(row(m, status, arrived, left, "病假"), m) == Decimal(hours)


def test_minutes_there_never_exceed_the_meetings_hours(training_base_a):
    # 9:00–17:00 with an hour's lunch: 7 hours; late by half an hour is 7.5 h there, capped at 7.
    m = meeting(past_session(training_base_a), start="09:00", end="17:00", hours="7")
    assert register.hours_at(row(m, S.LATE, "09:30"), m) == Decimal(7)
    assert register.hours_at(row(m, S.LATE, "11:00"), m) == Decimal(6)


@pytest.fixture
def two_meetings(training_base_a):
    """A 10-hour course in two 5-hour meetings."""
    session = past_session(training_base_a, hours=Decimal("10"), course__title="个案工作")
    first = meeting(session, day=session.start_date, start="08:00", end="13:00", hours="5")
    second = meeting(session, day=session.end_date, start="08:00", end="13:00", hours="5")
    return session, first, second


def test_finishing_reads_the_register_for_the_80_percent_rule(two_meetings, coordinator_a):
    session, first, second = two_meetings
    full, late, excused = seated(session), seated(session), seated(session)
    attendance.mark(
        meeting=first,
        marks={
            full.trainee_id: Mark(S.PRESENT),
            late.trainee_id: Mark(S.PRESENT),
            excused.trainee_id: Mark(S.EXCUSED, reason="病假"),
        },
        by=coordinator_a,
    )
    attendance.mark(
        meeting=second,
        marks={
            full.trainee_id: Mark(S.PRESENT),
            # 8:00–13:00, arrived 10:05: 2 h 55 min there → 2.75; 7.75 of 10 is under 80%.
            late.trainee_id: Mark(S.LATE, arrived=at(second.date, "10:05").time()),
            excused.trainee_id: Mark(S.PRESENT),
        },
        by=coordinator_a,
    )
    assert register.register_hours(session) == {
        full.trainee_id: Decimal(10),
        late.trainee_id: Decimal("7.75"),
        excused.trainee_id: Decimal(5),
    }

    summary = services.finish_session(session=session, by=coordinator_a)

    assert (summary.completed, summary.failed) == (1, 2)
    statuses = dict(Enrollment.objects.filter(session=session).values_list("pk", "status"))
    assert statuses == {full.pk: "completed", late.pk: "failed", excused.pk: "failed"}
    assert Enrollment.objects.get(pk=late.pk).attended_hours == Decimal("7.75")


def test_the_results_page_is_prefilled_from_the_register(client, two_meetings, coordinator_a):
    session, first, _second = two_meetings
    enrollment = seated(session)
    attendance.mark(meeting=first, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    client.force_login(coordinator_a)

    response = client.get(f"/training/manage/sessions/{session.pk}/results/")

    form = response.context["formset"].forms[0]
    assert form.initial["attended_hours"] == Decimal(5)
    assert b'data-testid="from-register"' in response.content


def test_hours_other_than_the_registers_need_a_reason_which_is_audited(two_meetings, coordinator_a):
    session, first, _second = two_meetings
    enrollment = seated(session)
    attendance.mark(meeting=first, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)

    # What the register gives needs no reason.
    services.record_results(session=session, by=coordinator_a, results={enrollment.pk: Result(Decimal(5))})
    with pytest.raises(EnrollmentRefused) as refused:
        services.record_results(session=session, by=coordinator_a, results={enrollment.pk: Result(Decimal(9))})
    assert refused.value.code == "override_reason_required"
    assert "5" in refused.value.message

    services.record_results(
        session=session,
        by=coordinator_a,
        results={enrollment.pk: Result(Decimal(9), override_reason="第二次课的签到表丢失，按补签记录")},
    )

    enrollment.refresh_from_db()
    assert enrollment.attended_hours == Decimal(9)
    entry = LogEntry.objects.get(additional_data__event="attendance_override")
    assert entry.actor == coordinator_a
    assert entry.object_pk == str(enrollment.pk)
    assert entry.additional_data["reason"] == "第二次课的签到表丢失，按补签记录"
    assert entry.additional_data["register_hours"] == "5"
    # Saving the same hours again (a score corrected) asks for no new reason.
    services.record_results(session=session, by=coordinator_a, results={enrollment.pk: Result(Decimal(9))})
    assert LogEntry.objects.filter(additional_data__event="attendance_override").count() == 1


def test_without_a_register_hours_are_typed_as_before(training_base_a, coordinator_a):
    session = past_session(training_base_a)
    enrollment = seated(session)
    services.record_results(session=session, by=coordinator_a, results={enrollment.pk: Result(Decimal(9))})
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours == Decimal(9)


def test_imported_results_that_differ_from_the_register_need_a_note(two_meetings, coordinator_a):
    from tests.importing import csv_file, problems_of, run

    session, first, _second = two_meetings
    enrollment = seated(session)
    attendance.mark(meeting=first, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    trainee = enrollment.trainee
    headers = ["姓名", "身份证号", "出勤学时", "备注"]

    refused = run(
        "results", csv_file(headers, [[trainee.name, trainee.resident_id, "9", ""]]), coordinator_a, session=session
    )
    assert problems_of(refused) == [(1, "attended hours")]

    outcome = run(
        "results", csv_file(headers, [[trainee.name, trainee.resident_id, "9", "补签"]]), coordinator_a, session=session
    )
    assert outcome.ok, outcome.problems
    assert Enrollment.objects.get(pk=enrollment.pk).attended_hours == Decimal(9)
    assert LogEntry.objects.get(additional_data__event="attendance_override").additional_data["reason"] == "补签"
