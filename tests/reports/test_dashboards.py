import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate
from placements.models import HourLog, Placement, PlacementRound, Position
from talent.models import LearningRecord, Practitioner
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
    SubDistrictFactory,
)
from tests.reports.conftest import at, certificate
from training.models import CourseSession, Enrollment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def rows(board):
    return [(r.month.month, r.base, r.sessions, r.trainees, r.completed, r.hours) for r in board.trainings]


def fill(board):
    return [(r.base, r.capacity, r.filled, r.first_choice) for r in board.fill]


def chart_values(chart):
    return [bar.value for bar in chart.bars]


# Administrator.


def test_administrator_sees_the_city_for_the_year(client, administrator, city):
    client.force_login(administrator)
    response = client.get("/", {"year": city.year}, **EN)
    board = response.context["board"]
    assert rows(board) == [(3, "黑龙江八一农垦大学", 2, 6, 5, Decimal(20)), (6, "东北石油大学", 1, 2, 1, Decimal(8))]
    totals = board.training_totals
    assert (totals.sessions, totals.trainees, totals.completion_rate, totals.hours) == (3, 8, 75, Decimal(28))
    assert fill(board) == [("东风街道", 3, 2, 1), ("会战街道", 2, 1, 1)]
    assert board.fill_totals.first_choice_share == 67
    certificates = board.certificates
    assert (certificates.course, certificates.internship, certificates.revoked) == (2, 1, 1)
    monthly = chart_values(response.context["charts"]["months"])
    assert monthly == [0, 0, 6, 0, 0, 2, 0, 0, 0, 0, 0, 0]
    page = response.content.decode()
    # Seven charts; continuing education has nobody qualified here, so it shows its empty state.
    assert page.count('role="img"') == 6
    assert 'data-empty="true"' in page
    assert 'data-testid="chart-fill"' in page and 'data-total="3"' in page


def test_year_filter_shows_that_year(client, administrator, city):
    client.force_login(administrator)
    board = client.get("/", {"year": city.year - 1}).context["board"]
    assert rows(board) == [(3, "黑龙江八一农垦大学", 1, 2, 1, Decimal(10))]
    assert fill(board) == [("东风街道", 4, 1, 1)]
    assert (board.certificates.course, board.certificates.internship, board.certificates.revoked) == (1, 1, 0)


def test_base_filter_narrows_to_one_base(client, administrator, city):
    client.force_login(administrator)
    board = client.get("/", {"year": city.year, "base": f"t{city.training_base_a.pk}"}).context["board"]
    assert [r.base for r in board.trainings] == ["黑龙江八一农垦大学"]
    assert board.fill == []
    assert (board.certificates.course, board.certificates.internship, board.certificates.revoked) == (2, 0, 1)
    board = client.get("/", {"year": city.year, "base": f"p{city.base_b.pk}"}).context["board"]
    assert board.trainings == []
    assert fill(board) == [("会战街道", 2, 1, 1)]
    assert (board.certificates.course, board.certificates.internship, board.certificates.revoked) == (0, 1, 0)


def test_bad_filters_fall_back_to_this_year(client, administrator, city):
    client.force_login(administrator)
    response = client.get("/", {"year": "abc", "base": "x9"})
    assert response.status_code == 200
    assert response.context["scope"].year == timezone.localdate().year


def year_menu(response):
    return [year for year, _label in response.context["form"].fields["year"].choices]


def test_year_menu_offers_next_springs_round(client, administrator, city):
    next_year = timezone.localdate().year + 1
    spring = PlacementRound.objects.create(
        name="明年春季实习",
        internship_start=datetime.date(next_year, 3, 1),
        internship_end=datetime.date(next_year, 6, 30),
        preference_deadline=at(next_year, 1, 15),
        status=PlacementRound.Status.COLLECTING,
        required_hours=40,
    )
    Position.objects.create(round=spring, base=city.base_b, code="S1", title="春季岗", capacity=5)
    client.force_login(administrator)
    # Next year, this year (no data, still offered), and the city's two years.
    assert year_menu(client.get("/")) == [next_year, next_year - 1, city.year, city.year - 1]
    response = client.get("/", {"year": next_year})
    assert response.context["scope"].year == next_year
    assert fill(response.context["board"]) == [("会战街道", 5, 0, 0)]
    assert year_menu(client.get("/reports/assessment/"))[0] == next_year


def test_year_menu_has_no_gaps_and_reaches_a_session_planned_years_ahead(client, administrator):
    this_year = timezone.localdate().year
    CourseSessionFactory(start_date=datetime.date(this_year - 2, 5, 1), end_date=datetime.date(this_year - 2, 5, 2))
    CourseSessionFactory(start_date=datetime.date(this_year + 2, 5, 1), end_date=datetime.date(this_year + 2, 5, 2))
    client.force_login(administrator)
    assert year_menu(client.get("/")) == [this_year + 2, this_year + 1, this_year, this_year - 1, this_year - 2]


def test_year_menu_without_data_offers_this_year(client, administrator):
    client.force_login(administrator)
    assert year_menu(client.get("/")) == [timezone.localdate().year]


def test_registry_by_level_kind_and_sub_district(client, administrator):
    east, west = SubDistrictFactory(name="东区街道"), SubDistrictFactory(name="西区街道")
    PractitionerFactory(qualification_level="assistant", kind="social_worker", sub_district=east)
    PractitionerFactory(qualification_level="assistant", kind="community_worker", sub_district=east)
    PractitionerFactory(qualification_level="senior", kind="social_worker", sub_district=west)
    PractitionerFactory(qualification_level="none", kind="student")
    PractitionerFactory(qualification_level="senior", status=Practitioner.Status.LEFT)
    client.force_login(administrator)
    registry = client.get("/", **EN).context["board"].registry
    assert registry.total == 4
    assert dict(registry.by_level) == {
        "None": 1,
        "Assistant social worker": 2,
        "Social worker": 0,
        "Senior social worker": 1,
    }
    assert [n for _label, n in registry.by_kind] == [2, 1, 1, 0]
    assert registry.by_sub_district == [("东区街道", 2), ("西区街道", 1), ("—", 1)]


def test_compliance_on_the_dashboard(client, administrator):
    today = timezone.localdate()
    behind = PractitionerFactory(
        qualification_level="intermediate", registration_date=today - datetime.timedelta(days=500)
    )
    PractitionerFactory(qualification_level="intermediate", registration_date=today - datetime.timedelta(days=1000))
    LearningRecord.objects.create(practitioner=behind, date=today, hours=Decimal(1), title="课", source="course")
    client.force_login(administrator)
    assert client.get("/").context["board"].compliance == {"on_pace": 0, "at_risk": 1, "short": 1}


def test_administrator_dashboard_query_count_does_not_grow(client, administrator, city):
    client.force_login(administrator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/", {"year": city.year}).status_code == 200
        return len(queries)

    few = count()
    course = CourseFactory(base=city.training_base_a)
    for month in range(1, 13):
        session = CourseSessionFactory(
            course=course,
            status=CourseSession.Status.FINISHED,
            start_date=datetime.date(city.year, month, 2),
            end_date=datetime.date(city.year, month, 3),
        )
        EnrollmentFactory(session=session, status=Enrollment.Status.COMPLETED)
    for n in range(5):
        PractitionerFactory(sub_district=SubDistrictFactory(name=f"新街道{n}"), qualification_level="assistant")
    assert count() == few
    # Session, user and groups, the administrator's authenticator app
    # (talent/mfa.py), the bases of the filter, one for the years of the year
    # menu, the unread notifications of the user menu; the summary read, its
    # refresh asked for, and (the tests' task backend runs it at once) the
    # refresh: the eight figures and two writes.
    assert few <= 24


def test_empty_dashboard_has_empty_states(client, administrator):
    client.force_login(administrator)
    page = client.get("/", **EN).content.decode()
    assert "No finished sessions in this year." in page
    assert "No internship rounds in this year." in page


# Coordinator.


def test_coordinator_dashboard_counts_only_their_bases(client, city, coordinator_a, coordinator_b):
    today = timezone.localdate()
    course_a = CourseFactory(base=city.training_base_a)
    course_b = CourseFactory(base=city.training_base_b)
    upcoming_a = CourseSessionFactory(course=course_a, capacity=2)
    EnrollmentFactory(session=upcoming_a)
    EnrollmentFactory(session=upcoming_a, status=Enrollment.Status.WAITLISTED, waitlist_order=1)
    CourseSessionFactory(course=course_b)
    ended = {
        "status": CourseSession.Status.CLOSED,
        "start_date": today - datetime.timedelta(days=5),
        "end_date": today - datetime.timedelta(days=3),
    }
    waiting_a = CourseSessionFactory(course=course_a, **ended)
    CourseSessionFactory(course=course_b, **ended)

    client.force_login(coordinator_a)
    context = client.get("/").context
    assert [(s.pk, s.enrolled_count, s.waitlisted_count) for s in context["upcoming"]] == [(upcoming_a.pk, 1, 1)]
    assert [s.pk for s in context["awaiting_results"]] == [waiting_a.pk]
    assert (context["hour_logs"]["count"], context["hour_logs"]["hours"]) == (1, Decimal(5))
    assert context["evaluations_awaiting"] == 1
    status = context["round_status"]
    assert (status.round.name, status.capacity, status.filled, status.first_choice, status.applicants) == (
        "Y",
        3,
        2,
        1,
        3,
    )

    client.force_login(coordinator_b)
    context = client.get("/").context
    assert [s.course.base for s in context["upcoming"]] == [city.training_base_b]
    assert (context["hour_logs"]["count"], context["hour_logs"]["hours"]) == (1, Decimal(2))
    status = context["round_status"]
    assert (status.capacity, status.filled, status.first_choice, status.applicants) == (2, 1, 1, 1)


def test_results_are_due_from_a_sessions_last_day_not_before(client, training_base_a, coordinator_a):
    today = timezone.localdate()
    course = CourseFactory(base=training_base_a)

    def session(start, end):
        return CourseSessionFactory(course=course, status=CourseSession.Status.CLOSED, start_date=start, end_date=end)

    ends_today = session(today - datetime.timedelta(days=2), today)
    session(today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    client.force_login(coordinator_a)
    assert [s.pk for s in client.get("/").context["awaiting_results"]] == [ends_today.pk]


def test_supervisor_sees_hours_of_the_positions_they_supervise(client, city, coordinator_b):
    supervisor = city.placements["first_a"].position.supervisor
    supervisor.user = coordinator_b
    supervisor.save()
    client.force_login(coordinator_b)
    assert client.get("/").context["hour_logs"]["count"] == 2


def test_coordinator_dashboard_without_data(client, coordinator_b):
    client.force_login(coordinator_b)
    response = client.get("/", **EN)
    assert response.context["round_status"] is None
    page = response.content.decode()
    assert "No upcoming sessions at your bases." in page
    assert "No internship round is under way at your bases." in page


def test_coordinator_dashboard_query_count_does_not_grow(client, city, coordinator_a):
    client.force_login(coordinator_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    few = count()
    for _ in range(4):
        session = CourseSessionFactory(course=CourseFactory(base=city.training_base_a))
        EnrollmentFactory(session=session)
    HourLog.objects.create(
        placement=city.placements["second_a"],
        date=city.placements["second_a"].round.internship_start,
        hours=Decimal(2),
        activity="服务",
    )
    assert count() == few


# Trainee.


@pytest.fixture
def trainee_record(trainee):
    return trainee.practitioner


def test_trainee_dashboard_shows_courses_waitlist_internship_certificates_and_hours(
    client, trainee, trainee_record, city
):
    today = timezone.localdate()
    full = CourseSessionFactory(capacity=1)
    EnrollmentFactory(session=full)
    EnrollmentFactory(session=full, status=Enrollment.Status.WAITLISTED, waitlist_order=5)
    mine_waiting = EnrollmentFactory(
        session=full, trainee=trainee_record, status=Enrollment.Status.WAITLISTED, waitlist_order=7
    )
    other = CourseSessionFactory(start_date=today + datetime.timedelta(days=20))
    mine_enrolled = EnrollmentFactory(session=other, trainee=trainee_record)
    placement = city.placements["first_a"]
    Placement.objects.filter(pk=placement.pk).update(trainee=trainee_record)
    issued = certificate(
        holder=trainee_record, kind=Certificate.Kind.INTERNSHIP, issued=at(city.year, 8), placement=placement
    )
    trainee_record.qualification_level = "assistant"
    trainee_record.registration_date = today - datetime.timedelta(days=100)
    trainee_record.save()
    LearningRecord.objects.create(
        practitioner=trainee_record, date=today, hours=Decimal(12), title="课", source="course"
    )

    client.force_login(trainee)
    response = client.get("/")
    context = response.context
    enrollments = {e.pk: e for e in context["live_enrollments"]}
    assert set(enrollments) == {mine_waiting.pk, mine_enrolled.pk}
    assert enrollments[mine_waiting.pk].ahead + 1 == 2
    assert context["placement"].pk == placement.pk
    assert context["placement"].approved == Decimal(14)
    assert context["placement_percent"] == 35
    assert [c.pk for c in context["certificates"]] == [issued.pk]
    assert (context["cycle"].earned, context["cycle"].required) == (Decimal(12), 72)
    page = response.content.decode()
    assert 'data-waitlist-position="2"' in page
    assert issued.get_absolute_url() in page
    assert context["cycle"].reregistration_date.strftime("%Y-%m-%d") in page


def test_trainee_dashboard_query_count_is_fixed(client, trainee, trainee_record):
    client.force_login(trainee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    few = count()
    for n in range(4):
        session = CourseSessionFactory(start_date=timezone.localdate() + datetime.timedelta(days=10 + 5 * n))
        EnrollmentFactory(session=session)
        EnrollmentFactory(
            session=session, trainee=trainee_record, status=Enrollment.Status.WAITLISTED, waitlist_order=n + 2
        )
    assert count() == few


def test_trainee_without_anything_sees_empty_states(client, trainee):
    client.force_login(trainee)
    page = client.get("/", **EN).content.decode()
    assert "No current courses." in page
    assert "No internship placement yet." in page
