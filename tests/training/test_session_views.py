import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import PractitionerFactory, TrainingBaseFactory
from training.models import Course, CourseSession, Enrollment


def make_session(base=None, *, capacity=2, status=CourseSession.Status.OPEN, days_ahead=7, title="实务基础"):
    course = Course.objects.create(
        base=base or TrainingBaseFactory(), code=f"C{Course.objects.count()}", title=title, hours=10
    )
    now = timezone.now()
    return CourseSession.objects.create(
        course=course,
        start_date=timezone.localdate() + datetime.timedelta(days=days_ahead),
        end_date=timezone.localdate() + datetime.timedelta(days=days_ahead + 1),
        capacity=capacity,
        enrollment_opens=now - datetime.timedelta(days=1),
        enrollment_closes=now + datetime.timedelta(days=3),
        status=status,
    )


@pytest.fixture
def session_a(training_base_a):
    return make_session(training_base_a)


def test_catalogue_lists_open_sessions_with_seats_left(client, db):
    open_session = make_session(title="开放课程", capacity=3)
    make_session(title="草稿课程", status=CourseSession.Status.DRAFT)
    Enrollment.objects.create(session=open_session, trainee=PractitionerFactory(), status="enrolled")
    response = client.get("/training/")
    sessions = list(response.context["page"])
    assert [s.course.title for s in sessions] == ["开放课程"]
    assert sessions[0].seats_left == 2


def test_catalogue_filters_by_base_topic_and_search(client, db):
    base = TrainingBaseFactory()
    make_session(base, title="老年社会工作")
    make_session(title="社区治理")
    assert [s.course.title for s in client.get("/training/", {"base": base.pk}).context["page"]] == ["老年社会工作"]
    assert [s.course.title for s in client.get("/training/", {"q": "社区"}).context["page"]] == ["社区治理"]
    assert list(client.get("/training/", {"topic": "ethics"}).context["page"]) == []


def test_catalogue_query_count_is_fixed(client, db):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/training/")
        return len(queries)

    make_session()
    few = count()
    for _ in range(20):
        make_session()
    assert count() == few


def test_trainee_enrols_then_cancels_through_the_pages(client, trainee, session_a):
    client.force_login(trainee)
    page = client.get(session_a.get_absolute_url()).content.decode()
    assert "/enroll/" in page
    client.post(f"/training/sessions/{session_a.pk}/enroll/")
    enrollment = Enrollment.objects.get(trainee=trainee.practitioner)
    assert enrollment.status == "enrolled"
    client.post(f"/training/sessions/{session_a.pk}/cancel/")
    enrollment.refresh_from_db()
    assert enrollment.status == "cancelled"


def test_the_reason_is_shown_before_clicking(client, trainee, session_a):
    session_a.course.minimum_qualification_level = "senior"
    session_a.course.save()
    client.force_login(trainee)
    response = client.get(session_a.get_absolute_url())
    assert response.context["refusal"]
    assert "/enroll/" not in response.content.decode()


def test_enrol_and_cancel_are_post_only(client, trainee, session_a):
    client.force_login(trainee)
    assert client.get(f"/training/sessions/{session_a.pk}/enroll/").status_code == 405
    assert client.get(f"/training/sessions/{session_a.pk}/cancel/").status_code == 405


def test_anonymous_enrol_goes_to_sign_in(client, session_a):
    response = client.post(f"/training/sessions/{session_a.pk}/enroll/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Enrollment.objects.exists()


def test_trainee_cannot_cancel_another_trainees_enrolment(client, trainee, other_trainee, session_a):
    Enrollment.objects.create(session=session_a, trainee=other_trainee.practitioner, status="enrolled")
    client.force_login(trainee)
    assert client.post(f"/training/sessions/{session_a.pk}/cancel/").status_code == 404
    assert Enrollment.objects.get().status == "enrolled"


def test_my_enrollments_shows_waitlist_position(client, trainee, other_trainee, session_a):
    session_a.capacity = 0
    session_a.save()
    Enrollment.objects.create(
        session=session_a, trainee=other_trainee.practitioner, status="waitlisted", waitlist_order=1
    )
    Enrollment.objects.create(session=session_a, trainee=trainee.practitioner, status="waitlisted", waitlist_order=2)
    client.force_login(trainee)
    response = client.get("/training/mine/")
    ((_label, enrollments),) = response.context["groups"]
    assert enrollments[0].waitlist_position() == 2


def test_coordinator_pages_are_scoped_to_their_base(client, coordinator_a, coordinator_b, session_a):
    client.force_login(coordinator_b)
    assert list(client.get("/training/manage/").context["page"]) == []
    for url in ["", "results/", "roster.csv"]:
        assert client.get(f"/training/manage/sessions/{session_a.pk}/{url}").status_code == 404
    assert client.post(f"/training/manage/sessions/{session_a.pk}/finish/").status_code == 404

    client.force_login(coordinator_a)
    assert client.get(f"/training/manage/sessions/{session_a.pk}/").status_code == 200


def test_trainees_get_403_on_coordinator_pages(client, trainee, session_a):
    client.force_login(trainee)
    assert client.get("/training/manage/").status_code == 403
    assert client.get(f"/training/manage/sessions/{session_a.pk}/").status_code == 403


def test_coordinator_records_results_and_finishes(client, coordinator_a, trainee, other_trainee, training_base_a):
    session_a = make_session(training_base_a, days_ahead=-2)  # ended yesterday
    done = Enrollment.objects.create(session=session_a, trainee=trainee.practitioner, status="enrolled")
    absent = Enrollment.objects.create(session=session_a, trainee=other_trainee.practitioner, status="enrolled")
    client.force_login(coordinator_a)
    form = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-enrollment": str(done.pk),
        "form-0-attended_hours": "9",
        "form-1-enrollment": str(absent.pk),
        "form-1-attended_hours": "2",
    }
    assert client.post(f"/training/manage/sessions/{session_a.pk}/results/", form).status_code == 302
    client.post(f"/training/manage/sessions/{session_a.pk}/finish/")
    done.refresh_from_db()
    absent.refresh_from_db()
    assert (done.status, absent.status) == ("completed", "failed")
    assert trainee.practitioner.learning_records.get().hours == 10


def test_capacity_change_below_enrolled_is_refused(client, coordinator_a, trainee, other_trainee, session_a):
    for person in (trainee, other_trainee):
        Enrollment.objects.create(session=session_a, trainee=person.practitioner, status="enrolled")
    client.force_login(coordinator_a)
    client.post(f"/training/manage/sessions/{session_a.pk}/capacity/", {"capacity": "1"})
    session_a.refresh_from_db()
    assert session_a.capacity == 2


def test_roster_export_masks_ids_for_coordinators(client, coordinator_a, trainee, session_a):
    Enrollment.objects.create(session=session_a, trainee=trainee.practitioner, status="enrolled")
    client.force_login(coordinator_a)
    response = client.get(f"/training/manage/sessions/{session_a.pk}/roster.csv")
    content = response.content.decode("utf-8-sig")
    assert trainee.practitioner.masked_resident_id in content
    assert trainee.practitioner.resident_id not in content
    xlsx = client.get(f"/training/manage/sessions/{session_a.pk}/roster.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_coordinator_pages_query_counts_are_fixed(client, coordinator_a, session_a):
    client.force_login(coordinator_a)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    roster = f"/training/manage/sessions/{session_a.pk}/"
    Enrollment.objects.create(session=session_a, trainee=PractitionerFactory(), status="enrolled")
    few = (count("/training/manage/"), count(roster))
    for n in range(12):
        Enrollment.objects.create(
            session=session_a, trainee=PractitionerFactory(), status="waitlisted", waitlist_order=n + 1
        )
        make_session(session_a.course.base)
    assert (count("/training/manage/"), count(roster)) == few
