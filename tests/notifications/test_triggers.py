"""Each kind's trigger: the service that changes the row tells the person."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from notifications.models import Notification
from placements import services as placement_services
from placements.models import HourLog, Placement, PlacementRound, Position
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
)
from training import services as training_services
from training.models import CourseSession, Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path


def told(kind, **who):
    return list(Notification.objects.filter(kind=kind, **who))


@pytest.fixture
def session(training_base_a):
    return CourseSessionFactory(
        course=CourseFactory(base=training_base_a, title="老年社会工作"), capacity=1, location="教学楼301"
    )


# --- Training -----------------------------------------------------------------------


def test_enrolled_then_waitlisted_then_promoted(session, trainee, other_trainee, coordinator_a, on_commit, mailoutbox):
    with on_commit():
        first = training_services.enroll(trainee=trainee.practitioner, session=session)
        second = training_services.enroll(trainee=other_trainee.practitioner, session=session)
    (enrolled,) = told("training.enrolled", user=trainee)
    assert "老年社会工作" in enrolled.subject and "教学楼301" in enrolled.body
    assert enrolled.link == session.get_absolute_url()
    (waiting,) = told("training.waitlisted", user=other_trainee)
    assert waiting.occasion == f"enrollment:{second.pk}"

    with on_commit():
        training_services.cancel(enrollment=first, by=trainee)
    (promoted,) = told("training.promoted", user=other_trainee)
    assert "老年社会工作" in promoted.subject
    assert {tuple(m.to) for m in mailoutbox} >= {("trainee@example.com",), ("other@example.com",)}


def test_session_cancelled_tells_everyone_enrolled_or_waiting(
    session, trainee, other_trainee, coordinator_a, on_commit
):
    training_services.enroll(trainee=trainee.practitioner, session=session)
    training_services.enroll(trainee=other_trainee.practitioner, session=session)
    with on_commit():
        assert training_services.cancel_session(session=session, by=coordinator_a, reason="讲师生病") == 2
    session.refresh_from_db()
    assert session.status == CourseSession.Status.CANCELLED
    assert not session.enrollments.live().exists()
    for user in (trainee, other_trainee):
        (notification,) = told("training.session_cancelled", user=user)
        assert "讲师生病" in notification.body


def test_only_the_sessions_coordinators_cancel_it(session, coordinator_b):
    with pytest.raises(training_services.EnrollmentRefused):
        training_services.cancel_session(session=session, by=coordinator_b)


def test_results_are_told_when_the_session_is_finished(training_base_a, trainee, other_trainee, coordinator_a):
    session = CourseSessionFactory(
        course=CourseFactory(base=training_base_a, hours=Decimal("10")),
        start_date=timezone.localdate() - datetime.timedelta(days=3),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    done = EnrollmentFactory(session=session, trainee=trainee.practitioner, attended_hours=Decimal("10"))
    EnrollmentFactory(session=session, trainee=other_trainee.practitioner, attended_hours=Decimal("2"))
    # Told in each recipient's language: these two read English.
    for person in (trainee.practitioner, other_trainee.practitioner):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    training_services.finish_session(session=session, by=coordinator_a)
    (passed,) = told("training.results", user=trainee)
    (failed,) = told("training.results", user=other_trainee)
    assert passed.occasion == f"enrollment:{done.pk}"
    assert passed.subject.startswith("Completed")
    assert not failed.subject.startswith("Completed")


def test_session_tomorrow_reminder_with_place_and_time(training_base_a, trainee, other_trainee):
    from notifications import reminders

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = CourseSessionFactory(
        course__base=training_base_a, start_date=tomorrow, schedule="每天 9:00–16:30", location="教学楼301"
    )
    later = CourseSessionFactory(course__base=training_base_a)
    EnrollmentFactory(session=session, trainee=trainee.practitioner)
    EnrollmentFactory(session=session, trainee=other_trainee.practitioner, status=Enrollment.Status.CANCELLED)
    EnrollmentFactory(session=later, trainee=other_trainee.practitioner)

    assert reminders.run(kinds_only=["training.session_tomorrow"]) == {"training.session_tomorrow": 1}
    (notification,) = told("training.session_tomorrow", user=trainee)
    assert "9:00" in notification.body and "教学楼301" in notification.body
    assert "9:00" in notification.sms_text
    assert reminders.run(kinds_only=["training.session_tomorrow"]) == {"training.session_tomorrow": 0}


def test_meeting_tomorrow_reminder_for_the_later_days_of_a_session(training_base_a, trainee, other_trainee):
    from notifications import reminders
    from training.models import Meeting

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    running = CourseSessionFactory(
        course__base=training_base_a, start_date=today - datetime.timedelta(days=1), end_date=tomorrow
    )
    starting = CourseSessionFactory(course__base=training_base_a, start_date=tomorrow, end_date=tomorrow)
    for session in (running, starting):
        Meeting.objects.create(
            session=session,
            date=tomorrow,
            starts_at=datetime.time(14, 0),
            ends_at=datetime.time(17, 0),
            hours=Decimal(3),
            place="教学楼305",
            topic="个案工作",
        )
    EnrollmentFactory(session=running, trainee=trainee.practitioner)
    EnrollmentFactory(session=running, trainee=other_trainee.practitioner, status=Enrollment.Status.WAITLISTED)
    EnrollmentFactory(session=starting, trainee=other_trainee.practitioner)

    # The session starting tomorrow has its own reminder; the waitlisted are not told.
    assert reminders.run(kinds_only=["training.meeting_tomorrow"]) == {"training.meeting_tomorrow": 1}
    (notification,) = told("training.meeting_tomorrow", user=trainee)
    assert "14:00" in notification.body and "教学楼305" in notification.body and "个案工作" in notification.body
    assert "14:00" in notification.sms_text
    assert not told("training.meeting_tomorrow", user=other_trainee)
    assert reminders.run(kinds_only=["training.meeting_tomorrow"]) == {"training.meeting_tomorrow": 0}


# --- Certificates -------------------------------------------------------------------


@pytest.fixture
def completed(training_base_a, trainee):
    session = CourseSessionFactory(
        course=CourseFactory(base=training_base_a, title="社会工作实务基础"),
        status=CourseSession.Status.FINISHED,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=8),
    )
    return EnrollmentFactory(session=session, trainee=trainee.practitioner, status=Enrollment.Status.COMPLETED)


def test_certificate_issued_and_revoked(completed, trainee, administrator, on_commit, sms_outbox):
    certificate = certificate_services.issue_for_enrollment(completed)
    (issued,) = told("certificates.issued", user=trainee)
    assert certificate.serial in issued.body
    assert "/verify/" in issued.body

    # Revocation is mandatory: it reaches the person even with every channel off.
    from notifications.models import ChannelPreference

    ChannelPreference.objects.create(user=trainee, kind="certificates.revoked", email=False, sms=False)
    with on_commit():
        certificate_services.revoke(certificate=certificate, reason="姓名有误", by=administrator)
    (revoked,) = told("certificates.revoked", user=trainee)
    assert "姓名有误" in revoked.body
    assert set(revoked.deliveries.values_list("channel", flat=True)) == {"email", "sms"}
    assert any(certificate.serial in m.text for m in sms_outbox)


# --- Placements ---------------------------------------------------------------------


@pytest.fixture
def supervisor(db):
    return PractitionerFactory(name="督导老师", qualification_level="intermediate")


@pytest.fixture
def make_round(db):
    def make(**fields):
        today = timezone.localdate()
        defaults = {
            "name": f"实习轮次{PlacementRound.objects.count() + 1}",
            "internship_start": today - datetime.timedelta(days=10),
            "internship_end": today + datetime.timedelta(days=80),
            "preference_deadline": timezone.now() + datetime.timedelta(days=3),
            "status": PlacementRound.Status.COLLECTING,
            "required_hours": 16,
        }
        return PlacementRound.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def position(make_round, base_a, supervisor):
    round = make_round(status=PlacementRound.Status.CONFIRMED)
    return Position.objects.create(
        round=round, base=base_a, code="P1", title="社区岗位", capacity=3, supervisor=supervisor
    )


def test_a_placement_confirmed_by_hand_is_told_and_mandatory(position, trainee, coordinator_a):
    placement = placement_services.add_placement(trainee=trainee.practitioner, position=position, by=coordinator_a)
    (notification,) = told("placements.confirmed", user=trainee)
    assert notification.occasion == f"placement:{placement.pk}"
    assert "社区岗位" in notification.subject


def test_confirming_a_round_tells_every_trainee(make_round, base_a, supervisor, administrator, settings):
    from placements.notices import confirmed

    round = make_round(status=PlacementRound.Status.MATCHING)
    position = Position.objects.create(
        round=round, base=base_a, code="P1", title="岗位", capacity=5, supervisor=supervisor
    )
    people = [PractitionerFactory(user=None) for _ in range(4)]
    placements = [
        Placement.objects.create(trainee=p, round=round, position=position, status=Placement.Status.CONFIRMED)
        for p in people
    ]
    confirmed(
        Placement.objects.filter(pk__in=[p.pk for p in placements]).select_related("position__base", "round", "trainee")
    )
    assert Notification.objects.filter(kind="placements.confirmed", practitioner__in=people).count() == 4


def test_hour_log_approved_or_rejected_with_the_reason(position, trainee, coordinator_a):
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=position.round, position=position, status=Placement.Status.CONFIRMED
    )
    day = position.round.internship_start
    approved = HourLog.objects.create(placement=placement, date=day, hours=Decimal("4"), activity="入户探访")
    rejected = HourLog.objects.create(
        placement=placement, date=day + datetime.timedelta(days=1), hours=Decimal("8"), activity="社区活动"
    )
    placement_services.review_hour_log(log=approved, approve=True, by=coordinator_a)
    placement_services.review_hour_log(log=rejected, approve=False, by=coordinator_a, reason="时长与签到不符")
    notes = told("placements.hours_reviewed", user=trainee)
    assert len(notes) == 2
    assert any("时长与签到不符" in n.body for n in notes)
    assert any("时长与签到不符" in n.sms_text for n in notes)


def test_hours_awaiting_approval_digest_for_supervisor_and_coordinators(
    position, trainee, other_trainee, coordinator_a, supervisor
):
    from notifications import reminders

    supervisor.user = None
    for person in (trainee, other_trainee):
        placement = Placement.objects.create(
            trainee=person.practitioner, round=position.round, position=position, status=Placement.Status.CONFIRMED
        )
        HourLog.objects.create(
            placement=placement, date=position.round.internship_start, hours=Decimal("3"), activity="x"
        )
    assert reminders.run(kinds_only=["placements.hours_awaiting"]) == {"placements.hours_awaiting": 2}
    (to_coordinator,) = told("placements.hours_awaiting", user=coordinator_a)
    (to_supervisor,) = told("placements.hours_awaiting", practitioner=supervisor)
    for digest in (to_coordinator, to_supervisor):
        assert "6" in digest.body  # 6 hours, by 2 trainees
    assert reminders.run(kinds_only=["placements.hours_awaiting"]) == {"placements.hours_awaiting": 0}


def test_evaluation_due_for_mentors_who_have_not_evaluated(make_round, base_a, supervisor, trainee):
    from notifications import reminders

    ending = make_round(
        status=PlacementRound.Status.CONFIRMED, internship_end=timezone.localdate() + datetime.timedelta(days=5)
    )
    tutor = PractitionerFactory(name="导师甲")
    position = Position.objects.create(
        round=ending, base=base_a, code="E1", title="岗位", capacity=2, supervisor=supervisor
    )
    Placement.objects.create(
        trainee=trainee.practitioner, round=ending, position=position, status=Placement.Status.CONFIRMED, tutor=tutor
    )
    assert reminders.run(kinds_only=["placements.evaluation_due"]) == {"placements.evaluation_due": 2}
    assert told("placements.evaluation_due", practitioner=tutor)
    assert told("placements.evaluation_due", practitioner=supervisor)
    assert reminders.run(kinds_only=["placements.evaluation_due"]) == {"placements.evaluation_due": 0}


def test_preference_deadline_in_three_days_for_eligible_trainees_who_have_not_ranked(
    make_round, base_a, supervisor, trainee, other_trainee, training_base_a
):
    from notifications import reminders
    from placements.models import Preference
    from talent.roles import Role
    from tests.factories import UserFactory

    round = make_round(preference_deadline=timezone.now() + datetime.timedelta(days=2))
    position = Position.objects.create(
        round=round, base=base_a, code="D1", title="岗位", capacity=2, supervisor=supervisor
    )
    course = CourseFactory(base=training_base_a)
    needs_course = Position.objects.create(
        round=round, base=base_a, code="D2", title="岗位2", capacity=2, supervisor=supervisor
    )
    needs_course.required_courses.add(course)
    # other_trainee has ranked already; a third has no account (cannot rank); a fourth qualifies.
    Preference.objects.create(trainee=other_trainee.practitioner, round=round, position=position, rank=1)
    PractitionerFactory(user=None)
    fourth = PractitionerFactory(user=UserFactory(role=Role.TRAINEE))

    assert reminders.run(kinds_only=["placements.preference_deadline"]) == {"placements.preference_deadline": 2}
    assert told("placements.preference_deadline", user=trainee)
    assert told("placements.preference_deadline", practitioner=fourth)
    assert not told("placements.preference_deadline", user=other_trainee)
    assert reminders.run(kinds_only=["placements.preference_deadline"]) == {"placements.preference_deadline": 0}

    # A round whose positions all need a course nobody completed reminds nobody.
    position.required_courses.add(course)
    Notification.objects.all().delete()
    assert reminders.run(kinds_only=["placements.preference_deadline"]) == {"placements.preference_deadline": 0}


def test_a_coordinator_cancels_a_session_from_its_roster_with_a_reason(
    client, session, trainee, coordinator_a, coordinator_b, on_commit
):
    training_services.enroll(trainee=trainee.practitioner, session=session)
    url = reverse("training:cancel-session", args=[session.pk])
    roster = reverse("training:session-roster", args=[session.pk])
    client.force_login(coordinator_a)
    assert 'data-testid="cancel-session"' in client.get(roster).content.decode()
    client.post(url, {"reason": ""})
    session.refresh_from_db()
    assert session.status == CourseSession.Status.OPEN  # no reason, nothing done

    client.force_login(coordinator_b)
    assert client.post(url, {"reason": "场地维修"}).status_code == 404
    client.force_login(coordinator_a)
    with on_commit():
        assert client.post(url, {"reason": "场地维修"}).status_code == 302
    session.refresh_from_db()
    assert session.status == CourseSession.Status.CANCELLED
    (notification,) = told("training.session_cancelled", user=trainee)
    assert "场地维修" in notification.body


def change_form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    data = {}
    for bound in response.context["adminform"].form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            for n, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{n}"] = "" if part is None else part
        elif value is not None:
            data[bound.html_name] = value
    return data


def test_cancelling_a_session_by_its_status_in_the_admin_tells_the_people_enrolled(
    client, session, trainee, administrator, on_commit
):
    training_services.enroll(trainee=trainee.practitioner, session=session)
    url = reverse("admin:training_coursesession_change", args=[session.pk])
    client.force_login(administrator)
    data = change_form_data(client.get(url)) | {"status": CourseSession.Status.CANCELLED, "location": "教学楼302"}
    with on_commit():
        assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert (session.status, session.location) == (CourseSession.Status.CANCELLED, "教学楼302")
    assert not session.enrollments.live().exists()
    assert told("training.session_cancelled", user=trainee)


def test_a_finished_session_cannot_be_cancelled_in_the_admin(client, session, trainee, administrator):
    training_services.enroll(trainee=trainee.practitioner, session=session)
    CourseSession.objects.filter(pk=session.pk).update(status=CourseSession.Status.FINISHED)
    url = reverse("admin:training_coursesession_change", args=[session.pk])
    client.force_login(administrator)
    data = change_form_data(client.get(url)) | {"status": CourseSession.Status.CANCELLED}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Only a session that has not finished can be cancelled." in response.content.decode()
    session.refresh_from_db()
    assert session.status == CourseSession.Status.FINISHED
    assert session.enrollments.live().exists()
