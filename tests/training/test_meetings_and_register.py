"""A session's class meetings and a meeting's register, by the coordinator."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.utils import timezone, translation

from tests.factories import CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from tests.training.meetings import at, meeting, past_session, seated
from training import attendance
from training.attendance import AttendanceRefused, Mark, MeetingRow
from training.models import Attendance, Enrollment, Meeting

pytestmark = pytest.mark.django_db
S = Attendance.Status


def test_meetings_are_proposed_from_the_sessions_dates(training_base_a):
    session = CourseSessionFactory(course__base=training_base_a, course__hours=Decimal("10"), location="党校 301")
    proposed = attendance.propose_meetings(session)
    assert [m.date for m in proposed] == [session.start_date + datetime.timedelta(days=n) for n in range(3)]
    assert [m.hours for m in proposed] == [Decimal(3), Decimal(3), Decimal(4)]
    assert sum(m.hours for m in proposed) == session.course.hours
    assert all(m.ends_at > m.starts_at and m.place == "党校 301" for m in proposed)


def rows_of(meetings, **changes):
    return [
        MeetingRow(pk=m.pk, date=m.date, starts_at=m.starts_at, ends_at=m.ends_at, hours=m.hours, **changes)
        for m in meetings
    ]


def test_saving_meetings_that_do_not_add_up_to_the_course_hours_is_refused(training_base_a, coordinator_a):
    session = CourseSessionFactory(course__base=training_base_a, course__hours=Decimal("10"))
    rows = rows_of(attendance.propose_meetings(session))
    with pytest.raises(AttendanceRefused) as refused, translation.override("en"):
        attendance.save_meetings(session=session, rows=rows[:2], by=coordinator_a)
    assert refused.value.code == "hours_mismatch"
    assert str(refused.value.message) == "The meetings add up to 6 hours, but the course has 10 hours."
    assert not Meeting.objects.exists()

    attendance.save_meetings(session=session, rows=rows, by=coordinator_a)
    assert session.meetings.count() == 3


def test_another_bases_coordinator_cannot_edit_meetings_or_mark(training_base_a, coordinator_b):
    session = past_session(training_base_a)
    with pytest.raises(AttendanceRefused) as refused:
        attendance.save_meetings(session=session, rows=rows_of(attendance.propose_meetings(session)), by=coordinator_b)
    assert refused.value.code == "not_allowed"
    m = meeting(session)
    with pytest.raises(AttendanceRefused):
        attendance.mark(meeting=m, marks={seated(session).trainee_id: Mark(S.PRESENT)}, by=coordinator_b)


def test_a_meeting_with_attendance_cannot_be_removed(training_base_a, coordinator_a):
    session = past_session(training_base_a, hours=Decimal("6"))
    first, second = meeting(session), meeting(session, day=session.end_date)
    enrollment = seated(session)
    attendance.mark(meeting=first, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    rows = rows_of([first]) + rows_of([second])
    rows[0] = MeetingRow(**{**rows[0].__dict__, "delete": True})
    rows[1] = MeetingRow(**{**rows[1].__dict__, "hours": Decimal(6)})
    with pytest.raises(AttendanceRefused) as refused:
        attendance.save_meetings(session=session, rows=rows, by=coordinator_a)
    assert refused.value.code == "has_attendance"


@pytest.mark.parametrize(
    ("mark", "code"),
    [
        (Mark(S.EXCUSED), "reason_required"),
        (Mark(S.LATE), "arrived_required"),
        (Mark(S.LATE, arrived=datetime.time(12, 30)), "arrived_required"),
        (Mark(S.LEFT_EARLY), "left_required"),
        (Mark(S.LEFT_EARLY, arrived=datetime.time(11), left=datetime.time(10)), "left_before_arrived"),
    ],
)
def test_marks_that_say_too_little_are_refused(training_base_a, coordinator_a, mark, code):
    session = past_session(training_base_a)
    m = meeting(session)
    with pytest.raises(AttendanceRefused) as refused:
        attendance.mark(meeting=m, marks={seated(session).trainee_id: mark}, by=coordinator_a)
    assert refused.value.code == code


def test_only_an_excused_absence_is_recorded_before_the_meeting(training_base_a, coordinator_a):
    session = CourseSessionFactory(course__base=training_base_a)
    m = meeting(session)
    enrollment = seated(session)
    with pytest.raises(AttendanceRefused) as refused:
        attendance.mark(meeting=m, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    assert refused.value.code == "not_started"
    attendance.mark(meeting=m, marks={enrollment.trainee_id: Mark(S.EXCUSED, reason="出差")}, by=coordinator_a)
    assert Attendance.objects.get().status == S.EXCUSED


def test_only_people_with_a_seat_are_marked(training_base_a, coordinator_a):
    session = past_session(training_base_a)
    m = meeting(session)
    waiting = EnrollmentFactory(session=session, status=Enrollment.Status.WAITLISTED, waitlist_order=1)
    with pytest.raises(AttendanceRefused) as refused:
        attendance.mark(meeting=m, marks={waiting.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    assert refused.value.code == "not_enrolled"


def test_one_row_per_meeting_and_trainee(training_base_a):
    session = past_session(training_base_a)
    m, trainee = meeting(session), PractitionerFactory()
    Attendance.objects.create(meeting=m, trainee=trainee, status=S.PRESENT, method=Attendance.Method.COORDINATOR)
    with pytest.raises(IntegrityError):
        Attendance.objects.create(meeting=m, trainee=trainee, status=S.ABSENT, method=Attendance.Method.COORDINATOR)


def test_changes_to_the_register_are_audited(training_base_a, coordinator_a):
    session = past_session(training_base_a)
    m = meeting(session)
    enrollment = seated(session)
    attendance.mark(meeting=m, marks={enrollment.trainee_id: Mark(S.ABSENT)}, by=coordinator_a)
    attendance.mark(meeting=m, marks={enrollment.trainee_id: Mark(S.EXCUSED, reason="病假")}, by=coordinator_a)

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Attendance)).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes_dict["status"] == ["absent", "excused"]
    assert entries[1].changes_dict["reason"] == ["", "病假"]


def test_all_present_marks_only_the_rest(training_base_a, coordinator_a):
    session = past_session(training_base_a)
    m = meeting(session)
    away, others = seated(session), [seated(session) for _ in range(3)]
    EnrollmentFactory(session=session, status=Enrollment.Status.CANCELLED)
    attendance.mark(meeting=m, marks={away.trainee_id: Mark(S.EXCUSED, reason="请假")}, by=coordinator_a)

    assert attendance.mark_rest_present(meeting=m, by=coordinator_a) == 3

    statuses = dict(m.attendances.values_list("trainee_id", "status"))
    assert statuses == {away.trainee_id: S.EXCUSED, **{e.trainee_id: S.PRESENT for e in others}}


def test_register_page_marks_late_and_excused(client, training_base_a, coordinator_a):
    session = past_session(training_base_a)
    m = meeting(session)
    late, away = seated(session), seated(session)
    client.force_login(coordinator_a)
    page = client.get(f"/training/manage/meetings/{m.pk}/")
    assert page.status_code == 200
    people = [form.initial["trainee"] for form in page.context["formset"].forms]
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2"}
    for index, trainee_id in enumerate(people):
        data[f"form-{index}-trainee"] = trainee_id
        if trainee_id == late.trainee_id:
            data.update({f"form-{index}-status": "late", f"form-{index}-arrived": "09:40"})
        else:
            data.update({f"form-{index}-status": "excused", f"form-{index}-reason": "家中有事"})

    response = client.post(f"/training/manage/meetings/{m.pk}/", data)

    assert response.status_code == 302
    rows = {a.trainee_id: a for a in m.attendances.all()}
    assert rows[late.trainee_id].status == S.LATE
    assert rows[late.trainee_id].checked_in_at == at(m.date, "09:40")
    assert rows[late.trainee_id].method == Attendance.Method.COORDINATOR
    assert rows[late.trainee_id].recorded_by == coordinator_a
    assert (rows[away.trainee_id].status, rows[away.trainee_id].reason) == (S.EXCUSED, "家中有事")


def test_meetings_page_proposes_then_saves(client, training_base_a, coordinator_a):
    session = CourseSessionFactory(course__base=training_base_a, course__hours=Decimal("6"))
    client.force_login(coordinator_a)
    page = client.get(f"/training/manage/sessions/{session.pk}/meetings/")
    assert page.context["proposed"]
    forms = page.context["formset"].forms
    data = {"form-TOTAL_FORMS": str(len(forms)), "form-INITIAL_FORMS": str(len(forms) - 1)}
    for index, form in enumerate(forms[:-1]):
        for name in ("date", "starts_at", "ends_at", "hours", "place", "topic"):
            value = form.initial.get(name, "")
            data[f"form-{index}-{name}"] = value.isoformat()[:5] if isinstance(value, datetime.time) else value
        data[f"form-{index}-date"] = form.initial["date"].isoformat()
    data["form-0-topic"] = "开班与破冰"

    response = client.post(f"/training/manage/sessions/{session.pk}/meetings/", data)

    assert response.status_code == 302, response.context and response.context["formset"].errors
    assert session.meetings.count() == 3
    assert session.meetings.first().topic == "开班与破冰"


def test_roster_shows_the_grid_and_exports_it(client, training_base_a, coordinator_a, administrator):
    session = past_session(training_base_a)
    first, second = meeting(session), meeting(session, day=session.end_date)
    enrollment = seated(session)
    attendance.mark(meeting=first, marks={enrollment.trainee_id: Mark(S.PRESENT)}, by=coordinator_a)
    client.force_login(coordinator_a)

    page = client.get(f"/training/manage/sessions/{session.pk}/")
    assert page.context["meetings"] == [first, second]
    [(row_enrollment, cells, total)] = page.context["attendance_rows"]
    assert row_enrollment == enrollment and cells[1] is None and total == Decimal(3)

    export = client.get(f"/training/manage/sessions/{session.pk}/attendance.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert values[1][0] == enrollment.trainee.name
    assert "*" in values[1][1]  # masked for a coordinator
    assert values[1][3:] == ["Present", None, 3]


def test_my_courses_shows_my_attendance_per_meeting(client, training_base_a, coordinator_a, trainee):
    session = past_session(training_base_a)
    first, second = meeting(session, topic="个案评估"), meeting(session, day=session.end_date)
    seated(session, trainee=trainee.practitioner)
    attendance.mark(meeting=first, marks={trainee.practitioner.pk: Mark(S.PRESENT)}, by=coordinator_a)
    client.force_login(trainee)

    page = client.get("/training/mine/", HTTP_ACCEPT_LANGUAGE="en")

    [enrollment] = [e for _label, group in page.context["groups"] for e in group]
    assert [(m, row is not None, hours) for m, row, hours in enrollment.meeting_rows] == [
        (first, True, Decimal(3)),
        (second, False, Decimal(0)),
    ]
    assert "个案评估" in page.content.decode()


def test_register_pages_are_the_coordinators(client, training_base_a, trainee, coordinator_b):
    m = meeting(past_session(training_base_a))
    client.force_login(trainee)
    assert client.get(f"/training/manage/meetings/{m.pk}/").status_code == 403
    client.force_login(coordinator_b)
    assert client.get(f"/training/manage/meetings/{m.pk}/").status_code == 404
    assert client.get(f"/training/manage/meetings/{m.pk}/checkin/").status_code == 404
    assert client.get(f"/training/manage/meetings/{m.pk}/sign-in-sheet.pdf").status_code == 404


def test_timezone_is_the_sites(training_base_a):
    m = meeting(past_session(training_base_a), start="09:00")
    assert timezone.localtime(m.start).hour == 9
