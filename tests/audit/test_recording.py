"""Every change to the audited records is in the log, with who made it: the
signed-in user for a change made from a web request (the middleware), the user
a command names with `set_actor`, nobody ("system") otherwise."""

import datetime
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.utils import timezone

from certificates import services as certificate_services
from placements import services as placement_services
from placements.models import HourLog
from talent.models import Practitioner
from tests.factories import (
    CourseSessionFactory,
    EnrollmentFactory,
    OrganizationFactory,
    PractitionerFactory,
    UserFactory,
    publish_and_close_appeals,
)
from training import services as training_services
from training.models import CourseSession, Enrollment


def latest_entry(instance) -> LogEntry:
    return LogEntry.objects.get_for_object(instance).latest()


def test_enrolling_on_the_site_is_recorded_with_the_trainee_as_actor(client, trainee):
    session = CourseSessionFactory()
    client.force_login(trainee)

    client.post(f"/training/sessions/{session.pk}/enroll/")

    enrollment = Enrollment.objects.get(trainee=trainee.practitioner)
    entry = latest_entry(enrollment)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == trainee
    assert entry.changes["status"] == [None, "enrolled"]
    assert entry.changes["trainee"] == [None, trainee.practitioner.pk]


def test_cancelling_on_the_site_records_the_status_change(client, trainee):
    enrollment = EnrollmentFactory(trainee=trainee.practitioner)
    client.force_login(trainee)

    client.post(f"/training/sessions/{enrollment.session.pk}/cancel/")

    entry = latest_entry(enrollment)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == trainee
    assert entry.changes["status"] == ["enrolled", "cancelled"]


def test_a_change_in_the_admin_is_recorded_with_the_administrator_as_actor(client, administrator):
    practitioner = PractitionerFactory(name="周测试", mobile="13900001111", kind="volunteer")
    client.force_login(administrator)

    response = client.post(
        f"/admin/talent/practitioner/{practitioner.pk}/change/",
        {
            "name": "周测试",
            "resident_id": practitioner.resident_id,
            "mobile": "13900002222",
            "kind": "volunteer",
            "qualification_level": "none",
            "status": "active",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = latest_entry(practitioner)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == administrator
    assert entry.changes["mobile"] == ["13900001111", "13900002222"]
    assert "name" not in entry.changes


def test_a_service_called_outside_a_request_is_recorded_without_actor(trainee):
    enrollment = training_services.enroll(trainee=trainee.practitioner, session=CourseSessionFactory())

    entry = latest_entry(enrollment)
    assert entry.actor is None
    assert entry.changes["status"] == [None, "enrolled"]


def test_a_command_can_name_the_actor_with_set_actor(trainee, coordinator_a, training_base_a):
    enrollment = EnrollmentFactory(trainee=trainee.practitioner, session__course__base=training_base_a)

    with set_actor(coordinator_a):
        training_services.cancel(enrollment=enrollment, by=coordinator_a)

    entry = latest_entry(enrollment)
    assert (entry.actor, entry.actor_email) == (coordinator_a, coordinator_a.email)
    assert entry.changes["status"] == ["enrolled", "cancelled"]


def test_promotion_from_the_waitlist_is_recorded(trainee, other_trainee):
    session = CourseSessionFactory(capacity=1)
    first = training_services.enroll(trainee=trainee.practitioner, session=session)
    waiting = training_services.enroll(trainee=other_trainee.practitioner, session=session)

    with set_actor(trainee):
        training_services.cancel(enrollment=first, by=trainee)

    entry = latest_entry(waiting)
    assert entry.changes["status"] == ["waitlisted", "enrolled"]
    assert entry.actor == trainee  # whose cancellation freed the seat


def test_practitioner_specialties_are_recorded(db):
    practitioner = PractitionerFactory()

    practitioner.specialties.add("elderly")

    entry = latest_entry(practitioner)
    assert entry.changes["specialties"]["operation"] == "add"
    assert entry.changes["specialties"]["objects"] == [str(practitioner.specialties.get())]


def test_a_placement_is_recorded(position_a, trainee, coordinator_a):
    with set_actor(coordinator_a):
        placement = placement_services.add_placement(
            trainee=trainee.practitioner, position=position_a, by=coordinator_a
        )

    entry = latest_entry(placement)
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, coordinator_a)
    assert entry.changes["status"] == [None, "proposed"]


def test_hour_log_approval_is_recorded(confirmed_placement, coordinator_a):
    log = placement_services.log_hours(
        placement=confirmed_placement, date=timezone.localdate(), hours=Decimal(6), activity="入户走访"
    )

    with set_actor(coordinator_a):
        placement_services.review_hour_log(log=log, approve=True, by=coordinator_a)

    entry = latest_entry(log)
    assert (entry.action, entry.actor) == (LogEntry.Action.UPDATE, coordinator_a)
    assert entry.changes["status"] == [HourLog.Status.SUBMITTED, HourLog.Status.APPROVED]
    assert entry.changes["reviewed_by"] == [None, coordinator_a.pk]


def test_an_evaluation_is_recorded(confirmed_placement, supervisor):
    supervisor.user = UserFactory()
    supervisor.save()
    with set_actor(supervisor.user):
        evaluation = placement_services.submit_evaluation(
            placement=confirmed_placement, mentor=supervisor, score=Decimal(85), comment="认真负责"
        )

    entry = latest_entry(evaluation)
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, supervisor.user)
    assert entry.changes["score"] == [None, "85"]
    assert entry.changes["comment"] == [None, "认真负责"]


@pytest.fixture
def completed_enrollment(settings, tmp_path, trainee, training_base_a):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path
    session = CourseSessionFactory(
        course__base=training_base_a,
        status=CourseSession.Status.FINISHED,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=8),
    )
    return EnrollmentFactory(session=session, trainee=trainee.practitioner, status=Enrollment.Status.COMPLETED)


def test_certificate_issuance_and_revocation_are_recorded(completed_enrollment, administrator):
    certificate = certificate_services.issue_for_enrollment(completed_enrollment)

    issued = latest_entry(certificate)
    assert (issued.action, issued.actor) == (LogEntry.Action.CREATE, None)
    assert issued.changes["serial"] == [None, certificate.serial]

    with set_actor(administrator):
        certificate_services.revoke(certificate=certificate, reason="姓名有误", by=administrator)

    revoked = latest_entry(certificate)
    assert (revoked.action, revoked.actor) == (LogEntry.Action.UPDATE, administrator)
    assert revoked.changes["revocation_reason"] == ["", "姓名有误"]
    assert revoked.changes["revoked_by"] == [None, administrator.pk]


def test_a_deleted_practitioner_leaves_a_delete_entry(db):
    practitioner = PractitionerFactory(organization=OrganizationFactory())
    pk = practitioner.pk

    practitioner.delete()

    entry = LogEntry.objects.get(content_type__model="practitioner", object_id=pk, action=LogEntry.Action.DELETE)
    assert entry.object_repr == practitioner.name
    assert not Practitioner.objects.filter(pk=pk).exists()


def test_results_finishing_and_waitlist_moves_are_recorded_row_by_row(trainee, other_trainee, administrator):
    # Ends today: results wait for the end date.
    session = CourseSessionFactory(
        capacity=1, course__hours=Decimal(10), start_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    enrolled = training_services.enroll(trainee=trainee.practitioner, session=session)
    second = training_services.enroll(trainee=PractitionerFactory(), session=session)
    third = training_services.enroll(trainee=other_trainee.practitioner, session=session)

    training_services.move_up(enrollment=third, by=administrator)
    training_services.record_results(
        session=session,
        results={enrolled.pk: training_services.Result(attended_hours=Decimal(9), score=Decimal(88))},
        by=administrator,
    )
    training_services.finish_session(session=session, by=administrator)

    assert latest_entry(second).changes["status"] == ["waitlisted", "cancelled"]
    assert latest_entry(third).changes["status"] == ["waitlisted", "cancelled"]
    third_entries = LogEntry.objects.get_for_object(third).order_by("timestamp", "pk")
    assert [entry.changes["waitlist_order"] for entry in third_entries] == [[None, 2], [2, 1], [1, None]]
    scored = LogEntry.objects.get_for_object(enrolled).filter(changes__has_key="score").get()
    assert scored.changes["score"] == [None, "88"]
    assert latest_entry(enrolled).changes["status"] == ["enrolled", "completed"]


def test_matching_and_confirming_a_round_are_recorded(position_a, trainee, administrator):
    round = position_a.round
    round.status = round.Status.COLLECTING
    round.preference_deadline = timezone.now() + datetime.timedelta(days=1)
    round.save()
    placement_services.submit_preferences(trainee=trainee.practitioner, round=round, positions=[position_a])
    round.preference_deadline = timezone.now() - datetime.timedelta(minutes=1)  # matching comes after it
    round.save()

    placement_services.match_round(round=round, by=administrator)
    publish_and_close_appeals(round, by=administrator)
    placement_services.confirm_round(round=round, by=administrator)

    placement = trainee.practitioner.placements.get()
    created, confirmed = LogEntry.objects.get_for_object(placement).order_by("timestamp", "pk")
    assert created.changes["status"] == [None, "proposed"]
    assert confirmed.changes["status"] == ["proposed", "confirmed"]
    assert created.actor == confirmed.actor == administrator
