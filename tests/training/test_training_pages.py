"""What users met on the training pages: counts of finished sessions, roster
headers, people listed twice, a message shown twice, the results form."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import override as language

from tests.factories import CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from training.models import CourseSession, Enrollment

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def finished(training_base_a):
    """A finished session of base A with 20 seats: 2 completed, 1 not passed, 1 cancelled."""
    session = CourseSessionFactory(
        course__base=training_base_a,
        capacity=20,
        start_date=days(-10),
        end_date=days(-8),
        status=CourseSession.Status.FINISHED,
    )
    for status in ("completed", "completed", "failed", "cancelled"):
        EnrollmentFactory(session=session, status=status)
    return session


@pytest.fixture
def ended(training_base_a):
    """A closed session of base A that ended yesterday: results are due."""
    return CourseSessionFactory(
        course__base=training_base_a,
        course__hours=Decimal("16"),
        start_date=days(-3),
        end_date=days(-1),
        status=CourseSession.Status.CLOSED,
    )


class Inputs(HTMLParser):
    """The visible inputs of a page and the `for` of its labels."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])


# --- How many took part -----------------------------------------------------------


def test_a_finished_session_counts_those_who_completed_or_did_not_pass(finished):
    counted = CourseSession.objects.with_seat_counts().get(pk=finished.pk)

    assert counted.participant_count == 3
    # Seats in use now: nobody holds one in a finished session.
    assert (counted.enrolled_count, counted.seats_left) == (0, 20)


def test_seat_arithmetic_of_an_open_session_is_unchanged(training_base_a):
    session = CourseSessionFactory(course__base=training_base_a, capacity=3)
    EnrollmentFactory(session=session, status="enrolled")
    EnrollmentFactory(session=session, status="cancelled")
    EnrollmentFactory(session=session, status="waitlisted", waitlist_order=1)

    counted = CourseSession.objects.with_seat_counts().get(pk=session.pk)

    assert (counted.enrolled_count, counted.participant_count, counted.seats_left) == (1, 1, 2)
    assert counted.waitlisted_count == 1


def test_manage_sessions_and_the_session_page_show_who_took_part_in_a_finished_session(client, finished, coordinator_a):
    client.force_login(coordinator_a)

    manage = client.get(reverse("training:manage-sessions")).content.decode()
    with language("en"):
        detail = client.get(finished.get_absolute_url(), headers={"accept-language": "en"}).content.decode()

    assert re.search(r">\s*3 / 20\s*<", manage)
    assert "3 of 20 seats taken" in detail


# --- The roster -------------------------------------------------------------------


def test_every_roster_table_has_column_headers(client, ended, coordinator_a):
    EnrollmentFactory(session=ended, status="enrolled")
    EnrollmentFactory(session=ended, status="waitlisted", waitlist_order=1)
    EnrollmentFactory(session=ended, status="cancelled")
    client.force_login(coordinator_a)

    page = client.get(reverse("training:session-roster", args=[ended.pk])).content.decode()

    tables = re.findall(r"<table.*?</table>", page, flags=re.DOTALL)
    assert len(tables) == 3
    for table in tables:
        head = re.search(r"<thead>(.*?)</thead>", table, flags=re.DOTALL)
        assert head, table
        assert len(re.findall(r'<th scope="col"', head.group(1))) >= 6


def test_a_trainee_who_cancelled_and_enrolled_again_is_on_the_roster_once(client, ended, coordinator_a, trainee):
    person = trainee.practitioner
    EnrollmentFactory(session=ended, trainee=person, status="cancelled")
    again = EnrollmentFactory(session=ended, trainee=person, status="enrolled")
    client.force_login(coordinator_a)

    response = client.get(reverse("training:session-roster", args=[ended.pk]))

    roster = response.context["roster"]
    assert [e.pk for e in roster["enrolled"]] == [again.pk]
    assert roster["cancelled"] == []
    assert response.content.decode().count(f"<td>{person.name}</td>") == 1


def test_someone_who_cancelled_twice_is_listed_once_by_the_latest_cancellation(ended, trainee):
    person = trainee.practitioner
    EnrollmentFactory(session=ended, trainee=person, status="cancelled")
    latest = EnrollmentFactory(session=ended, trainee=person, status="cancelled")
    other = EnrollmentFactory(session=ended, status="cancelled")

    assert sorted(e.pk for e in ended.enrollments.current()) == sorted([latest.pk, other.pk])


def test_a_trainee_who_cancelled_and_enrolled_again_sees_the_course_once(client, trainee, training_base_a):
    session = CourseSessionFactory(course__base=training_base_a, course__title="再次报名的课程")
    person = trainee.practitioner
    EnrollmentFactory(session=session, trainee=person, status="cancelled")
    EnrollmentFactory(session=session, trainee=person, status="enrolled")
    client.force_login(trainee)

    response = client.get(reverse("training:my-enrollments"))

    assert [(label, [e.status for e in rows]) for label, rows in response.context["groups"]] == [
        (Enrollment.Status.ENROLLED.label, ["enrolled"])
    ]
    assert response.content.decode().count("再次报名的课程") == 1


def test_roster_queries_are_pinned(client, ended, coordinator_a, django_assert_num_queries):
    client.force_login(coordinator_a)
    for n in range(5):
        person = PractitionerFactory()
        EnrollmentFactory(session=ended, trainee=person, status="cancelled")
        EnrollmentFactory(session=ended, trainee=person, status="enrolled")
        EnrollmentFactory(session=ended, status="waitlisted", waitlist_order=n + 1)

    # 1 the login session, 2 the user, 3 their roles, 4 the session within
    # their bases, 5 the roster (people and organisations joined), 6 the
    # navigation's own-record check, 7-8 the user's and their roles'
    # permissions (menu and masked resident IDs), 9 the unread notifications (user menu),
    # 10 the session's class meetings (the attendance grid).
    with django_assert_num_queries(10):
        assert client.get(reverse("training:session-roster", args=[ended.pk])).status_code == 200


def test_my_courses_queries_are_pinned(client, trainee, training_base_a, django_assert_num_queries):
    person = trainee.practitioner
    for _ in range(5):
        session = CourseSessionFactory(course__base=training_base_a)
        EnrollmentFactory(session=session, trainee=person, status="cancelled")
        EnrollmentFactory(session=session, trainee=person, status="enrolled")
    client.force_login(trainee)

    # 1 the login session, 2 the user, 3 their roles, 4 their registry record,
    # 5 their enrolments (sessions, courses and bases joined), 6 the
    # navigation's own-record check, 7-8 permissions for the menu, 9 the
    # unread notifications (user menu), 10 the class meetings of those sessions
    # (and, when they have any, 11 my attendance at them).
    with django_assert_num_queries(10):
        assert client.get(reverse("training:my-enrollments")).status_code == 200


# --- Enrolling ----------------------------------------------------------------------


def test_the_enrol_success_message_is_shown_once(client, trainee, training_base_a):
    session = CourseSessionFactory(course__base=training_base_a)
    client.force_login(trainee)

    response = client.post(reverse("training:session-enroll", args=[session.pk]), follow=True)

    with language("zh-hans"):
        message = gettext("You are enrolled.")
    page = response.content.decode()
    assert page.count(message) == 1
    assert 'data-testid="enrolment-status"' in page


# --- The results form ---------------------------------------------------------------


def test_every_results_input_has_a_label(client, ended, coordinator_a):
    ended.course.pass_mark = Decimal("60")
    ended.course.save()
    for _ in range(2):
        EnrollmentFactory(session=ended, status="enrolled")
    client.force_login(coordinator_a)

    page = Inputs(client.get(reverse("training:session-results", args=[ended.pk])).content.decode())

    assert len(page.inputs) == 2 * 3  # hours, score and note for each person
    for attrs in page.inputs:
        assert attrs.get("id") in page.label_for, attrs


def test_no_score_box_when_the_course_has_no_pass_mark(client, ended, coordinator_a):
    assert ended.course.pass_mark is None
    enrollment = EnrollmentFactory(session=ended, status="enrolled", score=Decimal("70"))
    client.force_login(coordinator_a)
    url = reverse("training:session-results", args=[ended.pk])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-enrollment": str(enrollment.pk),
            "form-0-attended_hours": "16",
        },
    )

    assert "form-0-attended_hours" in page
    assert "-score" not in page
    enrollment.refresh_from_db()
    assert (enrollment.attended_hours, enrollment.score) == (Decimal("16"), Decimal("70"))


def test_all_attended_fills_only_the_empty_hours_boxes_and_saves_nothing(client, ended, coordinator_a):
    typed, empty = (EnrollmentFactory(session=ended, status="enrolled", trainee__name=n) for n in ("甲", "乙"))
    client.force_login(coordinator_a)
    url = reverse("training:session-results", args=[ended.pk])
    assert 'name="fill"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-enrollment": str(typed.pk),
            "form-0-attended_hours": "12",
            "form-1-enrollment": str(empty.pk),
            "form-1-attended_hours": "",
            "fill": "attended",
        },
    )

    assert response.status_code == 200
    page = Inputs(response.content.decode())
    values = {attrs["name"]: attrs.get("value") for attrs in page.inputs}
    assert (values["form-0-attended_hours"], values["form-1-attended_hours"]) == ("12", "16.0")
    assert not Enrollment.objects.filter(attended_hours__isnull=False).exists()
