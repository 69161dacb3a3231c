"""QR check-in: the signed codes, who may check in, and the pages on both ends."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talent.roles import Role
from tests.factories import EnrollmentFactory, PractitionerFactory, UserFactory
from tests.training.meetings import at, meeting, meeting_now, past_session, seated, session_now
from training import attendance, checkin
from training.attendance import AttendanceRefused
from training.models import Attendance, Enrollment

pytestmark = pytest.mark.django_db
S = Attendance.Status


@pytest.fixture
def session(training_base_a):
    return past_session(training_base_a)


@pytest.fixture
def meeting_(session):
    return meeting(session, start="09:00", end="12:00", hours="3")


def person(session, status=Enrollment.Status.ENROLLED):
    user = UserFactory(role=Role.TRAINEE)
    PractitionerFactory(user=user)
    EnrollmentFactory(session=session, trainee=user.practitioner, status=status)
    return user


def code(m, clock, mode="in"):
    return checkin.make_token(m.pk, mode, at(m.date, clock))


def refusal(**kwargs) -> str:
    with pytest.raises(AttendanceRefused) as refused:
        attendance.check_in(**kwargs)
    return refused.value.code


# --- The code ------------------------------------------------------------------------


def test_a_code_is_good_for_its_step_and_the_next_only(meeting_):
    issued = at(meeting_.date, "08:59:40")  # the first second of a 20-second step
    token = checkin.make_token(meeting_.pk, "in", issued)
    for seconds in (0, 19, 20, 39):
        assert checkin.read_token(token, issued + datetime.timedelta(seconds=seconds)).meeting_id == meeting_.pk
    for seconds in (40, 60, 3600):
        with pytest.raises(checkin.BadToken) as bad:
            checkin.read_token(token, issued + datetime.timedelta(seconds=seconds))
        assert bad.value.code == "expired"


def test_a_code_names_one_meeting_and_cannot_be_altered(session, meeting_):
    other = meeting(session, day=session.end_date)
    token = code(meeting_, "08:50")
    number, mode, step, signature = token.split("-")
    moment = at(meeting_.date, "08:50")
    for forged in (
        f"{other.pk}-{mode}-{step}-{signature}",  # another meeting
        f"{number}-out-{step}-{signature}",  # check-out with a check-in code
        f"{number}-{mode}-{int(step) + 1}-{signature}",  # a later step
        f"{number}-{mode}-{step}-{'0' * len(signature)}",
        "nonsense",
    ):
        with pytest.raises(checkin.BadToken) as bad:
            checkin.read_token(forged, moment)
        assert bad.value.code == "invalid"


def test_issuing_a_code_touches_no_database(meeting_):
    with CaptureQueriesContext(connection) as queries:
        checkin.checkin_url(meeting_.pk, "in", timezone.now())
    assert len(queries) == 0


# --- Checking in ---------------------------------------------------------------------


def test_on_time_is_present_and_after_the_start_is_late(session, meeting_):
    early, late = person(session), person(session)
    on_time = attendance.check_in(token=code(meeting_, "08:45"), user=early, now=at(meeting_.date, "08:45"))
    after = attendance.check_in(token=code(meeting_, "09:12"), user=late, now=at(meeting_.date, "09:12"))
    assert (on_time.attendance.status, on_time.attendance.method) == (S.PRESENT, Attendance.Method.QR)
    assert after.attendance.status == S.LATE
    assert after.attendance.checked_in_at == at(meeting_.date, "09:12")


def test_scanning_twice_is_harmless(session, meeting_):
    user = person(session)
    first = attendance.check_in(token=code(meeting_, "08:45"), user=user, now=at(meeting_.date, "08:45"))
    again = attendance.check_in(token=code(meeting_, "09:30"), user=user, now=at(meeting_.date, "09:30"))
    assert (first.again, again.again) == (False, True)
    assert again.attendance.checked_in_at == at(meeting_.date, "08:45")
    assert again.attendance.status == S.PRESENT
    assert Attendance.objects.count() == 1


def test_check_in_opens_half_an_hour_before_and_closes_at_the_end(session, meeting_):
    user = person(session)
    assert refusal(token=code(meeting_, "08:29"), user=user, now=at(meeting_.date, "08:29")) == "not_open_yet"
    assert refusal(token=code(meeting_, "12:00:30"), user=user, now=at(meeting_.date, "12:00:30")) == "closed"
    # A code shown in the last seconds is refused once the meeting is over.
    assert refusal(token=code(meeting_, "11:59:59"), user=user, now=at(meeting_.date, "12:00:10")) == "closed"


def test_check_out_in_the_last_half_hour_keeps_the_hours(session, meeting_):
    user = person(session)
    attendance.check_in(token=code(meeting_, "08:55"), user=user, now=at(meeting_.date, "08:55"))
    assert refusal(token=code(meeting_, "11:00", "out"), user=user, now=at(meeting_.date, "11:00")) == "not_open_yet"
    out = attendance.check_in(token=code(meeting_, "11:45", "out"), user=user, now=at(meeting_.date, "11:45"))
    assert out.attendance.checked_out_at == at(meeting_.date, "11:45")
    assert out.attendance.status == S.PRESENT


def test_an_old_code_is_refused(session, meeting_):
    user = person(session)
    assert refusal(token=code(meeting_, "09:00"), user=user, now=at(meeting_.date, "09:01")) == "expired"


@pytest.mark.parametrize(
    ("status", "code_"),
    [
        (Enrollment.Status.WAITLISTED, "waitlisted"),
        (Enrollment.Status.CANCELLED, "cancelled"),
        (None, "not_enrolled"),
    ],
)
def test_only_people_with_a_seat_check_in(session, meeting_, status, code_):
    if status is None:
        user = UserFactory(role=Role.TRAINEE)
        PractitionerFactory(user=user)
    else:
        user = person(session, status=status)
        if status == Enrollment.Status.WAITLISTED:
            Enrollment.objects.filter(trainee__user=user).update(waitlist_order=1)
    assert refusal(token=code(meeting_, "08:50"), user=user, now=at(meeting_.date, "08:50")) == code_
    assert not Attendance.objects.exists()


def test_a_person_marked_absent_who_comes_after_all_is_late(session, meeting_, coordinator_a):
    user = person(session)
    attendance.mark(
        meeting=meeting_,
        marks={user.practitioner.pk: attendance.Mark(S.ABSENT)},
        by=coordinator_a,
        now=at(meeting_.date, "09:10"),
    )
    result = attendance.check_in(token=code(meeting_, "09:20"), user=user, now=at(meeting_.date, "09:20"))
    assert (result.again, result.attendance.status) == (False, S.LATE)


# --- The pages -----------------------------------------------------------------------------


@pytest.fixture
def live(training_base_a):
    session = session_now(training_base_a)
    return meeting_now(session)


def current_url(m, mode="in") -> str:
    return checkin.checkin_url(m.pk, mode, timezone.now()).split("testserver")[-1].replace("http://127.0.0.1:8000", "")


def test_the_phone_page_confirms_with_the_time(client, live, trainee):
    EnrollmentFactory(session=live.session, trainee=trainee.practitioner)
    client.force_login(trainee)
    url = current_url(live)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="checkin-confirmed"' in page
    assert timezone.localtime().strftime("%H:%M")[:4] in page
    assert 'name="viewport" content="width=device-width' in page
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="checkin-again"' in again.content.decode()
    assert Attendance.objects.get().status == S.LATE  # the meeting started ten minutes ago


def test_someone_signed_out_is_sent_to_sign_in_and_brought_back(client, live, trainee, password):
    EnrollmentFactory(session=live.session, trainee=trainee.practitioner)
    url = current_url(live)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    login = client.post(response["Location"], {"login": trainee.email, "password": password})
    assert login["Location"] == url
    assert client.session["training.checkin.pending"]["token"] == url.split("/")[-2]
    # Signing in may take longer than a code lives: the scan counts from when it was read.
    scanned = timezone.now() - datetime.timedelta(minutes=2)
    old_url = f"/training/c/{checkin.make_token(live.pk, 'in', scanned)}/"
    session = client.session
    session["training.checkin.pending"] = {"token": old_url.split("/")[-2], "at": scanned.timestamp()}
    session.save()
    confirmed = client.get(old_url)
    assert 'data-testid="checkin-confirmed"' in confirmed.content.decode()
    assert "training.checkin.pending" not in client.session
    # Without that, the same old code is refused.
    assert 'data-testid="checkin-again"' in client.get(url).content.decode()
    assert 'data-code="expired"' in client.get(old_url).content.decode()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda m: "1-in-2-3", "not a check-in code"),
        (lambda m: checkin.make_token(m.pk, "in", timezone.now() - datetime.timedelta(minutes=2)), "has expired"),
    ],
)
def test_refusals_say_why(client, live, trainee, token, message):
    EnrollmentFactory(session=live.session, trainee=trainee.practitioner)
    client.force_login(trainee)
    response = client.get(f"/training/c/{token(live)}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="checkin-refused"' in response.content.decode()
    assert message in response.content.decode()


def test_scans_are_rate_limited_per_person(client, live, trainee, settings):
    settings.CHECKIN_RATE_PER_USER_PER_MINUTE = 3
    EnrollmentFactory(session=live.session, trainee=trainee.practitioner)
    client.force_login(trainee)
    url = current_url(live)
    statuses = [client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Too many scans" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_scans_are_rate_limited_per_address(client, live, trainee, other_trainee, settings):
    settings.CHECKIN_RATE_PER_ADDRESS_PER_MINUTE = 1
    for user in (trainee, other_trainee):
        EnrollmentFactory(session=live.session, trainee=user.practitioner)
    client.force_login(trainee)
    assert client.get(current_url(live)).status_code == 200
    client.force_login(other_trainee)
    assert client.get(current_url(live)).status_code == 429


def test_each_check_in_costs_the_same_queries(client, live):
    users = [person(live.session) for _ in range(4)]
    for _ in range(5):  # more people enrolled must not cost more
        person(live.session)
    # The first scan of the minute from an address starts its count.
    client.force_login(users.pop())
    client.get(current_url(live))
    counts = []
    for user in users:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(current_url(live)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_the_screen_shows_a_fresh_code_and_who_is_missing(client, live, coordinator_a, trainee, other_trainee):
    EnrollmentFactory(session=live.session, trainee=trainee.practitioner)
    EnrollmentFactory(session=live.session, trainee=other_trainee.practitioner)
    client.force_login(trainee)
    client.get(current_url(live))
    client.force_login(coordinator_a)

    screen = client.get(f"/training/manage/meetings/{live.pk}/checkin/")
    fragment = client.get(f"/training/manage/meetings/{live.pk}/checkin/live/")

    assert screen.status_code == 200 and 'data-live-url="' in screen.content.decode()
    page = fragment.content.decode()
    url = re.search(r'data-checkin-url="([^"]+)"', page)[1]
    assert "/training/c/" in url
    assert checkin.read_token(url.rstrip("/").rsplit("/", 1)[1], timezone.now()).meeting_id == live.pk
    assert "<svg" in page
    assert (fragment.context["done"], fragment.context["total"]) == (1, 2)
    assert fragment.context["missing"] == [other_trainee.practitioner.name]
    assert fragment["Cache-Control"].startswith("max-age=0")


def test_the_screen_waits_before_check_in_opens(client, training_base_a, coordinator_a):
    m = meeting_now(session_now(training_base_a), started_minutes_ago=-45, lasts_minutes=90)
    client.force_login(coordinator_a)
    fragment = client.get(f"/training/manage/meetings/{m.pk}/checkin/live/")
    assert fragment.context["not_yet"] and not fragment.context["url"]
    assert 'data-testid="checkin-not-open"' in fragment.content.decode()


def test_seated_helper_is_used_by_the_register(session, meeting_):
    assert list(attendance.seated(session)) == []
    enrollment = seated(session)
    assert list(attendance.seated(session)) == [enrollment]
