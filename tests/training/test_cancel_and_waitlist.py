import datetime

import pytest
from django.utils import timezone

from talent.roles import Role
from tests.factories import CourseSessionFactory, PractitionerFactory, TrainingBaseFactory, UserFactory
from training import services
from training.models import CourseSession, Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(training_base_a):
    return CourseSessionFactory(course__base=training_base_a, course__title="老年社会工作", capacity=1)


@pytest.fixture
def base_coordinator(session):
    user = UserFactory(role=Role.COORDINATOR)
    session.course.base.coordinators.add(user)
    return user


def enrol(session, name: str | None = None, **fields) -> Enrollment:
    trainee = PractitionerFactory(**({"name": name} if name else {}), **fields)
    return services.enroll(trainee=trainee, session=session)


def statuses(*enrollments: Enrollment) -> list[str]:
    return [Enrollment.objects.get(pk=e.pk).status for e in enrollments]


def positions(*enrollments: Enrollment) -> list[int | None]:
    return [Enrollment.objects.get(pk=e.pk).waitlist_position() for e in enrollments]


def start_today(session: CourseSession) -> None:
    session.start_date = timezone.localdate()
    session.end_date = session.start_date + datetime.timedelta(days=2)
    session.save()


def test_trainee_cancels_their_own_enrolment_before_the_start(session, trainee):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    services.cancel(enrollment=enrollment, by=trainee)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.cancelled_at is not None


def test_trainee_cannot_cancel_once_the_session_has_started(session, trainee):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    start_today(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.cancel(enrollment=enrollment, by=trainee)
    assert refused.value.code == "started"
    assert statuses(enrollment) == [Enrollment.Status.ENROLLED]


def test_coordinator_of_the_base_cancels_after_the_start(session, trainee, base_coordinator):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    start_today(session)
    services.cancel(enrollment=enrollment, by=base_coordinator)
    assert statuses(enrollment) == [Enrollment.Status.CANCELLED]


def test_administrator_cancels_after_the_start(session, trainee, administrator):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    start_today(session)
    services.cancel(enrollment=enrollment, by=administrator)
    assert statuses(enrollment) == [Enrollment.Status.CANCELLED]


def test_another_trainee_cannot_cancel(session, trainee, other_trainee):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.cancel(enrollment=enrollment, by=other_trainee)
    assert refused.value.code == "not_allowed"
    assert statuses(enrollment) == [Enrollment.Status.ENROLLED]


def test_coordinator_of_another_base_cannot_cancel(session, trainee):
    outsider = UserFactory(role=Role.COORDINATOR)
    TrainingBaseFactory().coordinators.add(outsider)
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.cancel(enrollment=enrollment, by=outsider)
    assert refused.value.code == "not_allowed"
    assert statuses(enrollment) == [Enrollment.Status.ENROLLED]


def test_cancelling_twice_is_refused(session, trainee):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    services.cancel(enrollment=enrollment, by=trainee)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.cancel(enrollment=enrollment, by=trainee)
    assert refused.value.code == "not_live"


def test_freed_seat_goes_to_the_first_waitlisted_who_gets_one_email(
    session, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    first = enrol(session, "赵先到", email="first@example.com")
    second = enrol(session, "钱后到", email="second@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(enrollment=enrollment, by=trainee)

    assert statuses(first, second) == [Enrollment.Status.ENROLLED, Enrollment.Status.WAITLISTED]
    assert positions(second) == [1]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["first@example.com"]
    assert str(session) in mailoutbox[0].subject
    assert "赵先到" in mailoutbox[0].body
    assert session.get_absolute_url() in mailoutbox[0].body


def test_promotion_email_goes_to_the_account_address_when_the_record_has_none(
    session, base_coordinator, other_trainee, mailoutbox, django_capture_on_commit_callbacks
):
    seated = enrol(session)
    services.enroll(trainee=other_trainee.practitioner, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(enrollment=seated, by=base_coordinator)
    assert [message.to for message in mailoutbox] == [[other_trainee.email]]


def test_no_email_is_sent_when_the_transaction_does_not_commit(session, trainee, mailoutbox):
    enrollment = services.enroll(trainee=trainee.practitioner, session=session)
    waiting = enrol(session, email="waiting@example.com")
    services.cancel(enrollment=enrollment, by=trainee)
    # The test transaction is rolled back at the end, so on_commit never fires.
    assert statuses(waiting) == [Enrollment.Status.ENROLLED]
    assert mailoutbox == []


def test_cancelling_a_waitlisted_person_promotes_nobody(
    session, trainee, base_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    seated = enrol(session)
    waiting = services.enroll(trainee=trainee.practitioner, session=session)
    behind = enrol(session, email="behind@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(enrollment=waiting, by=trainee)

    assert statuses(seated, waiting, behind) == [
        Enrollment.Status.ENROLLED,
        Enrollment.Status.CANCELLED,
        Enrollment.Status.WAITLISTED,
    ]
    assert Enrollment.objects.get(pk=waiting.pk).waitlist_order is None
    assert positions(behind) == [1]
    assert mailoutbox == []


def test_lowering_capacity_below_the_enrolled_count_is_refused(session, base_coordinator):
    services.change_capacity(session=session, capacity=3, by=base_coordinator)
    for _ in range(3):
        enrol(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.change_capacity(session=session, capacity=2, by=base_coordinator)
    assert refused.value.code == "capacity_below_enrolled"
    session.refresh_from_db()
    assert session.capacity == 3


def test_lowering_capacity_to_the_enrolled_count_is_allowed(session, base_coordinator):
    services.change_capacity(session=session, capacity=3, by=base_coordinator)
    enrol(session)
    services.change_capacity(session=session, capacity=1, by=base_coordinator)
    session.refresh_from_db()
    assert session.capacity == 1
    assert enrol(session).status == Enrollment.Status.WAITLISTED


def test_raising_capacity_promotes_from_the_waitlist_in_order(
    session, mailoutbox, django_capture_on_commit_callbacks, base_coordinator
):
    seated = enrol(session)
    waiting = [enrol(session, email=f"waiting{n}@example.com") for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        services.change_capacity(session=session, capacity=3, by=base_coordinator)

    session.refresh_from_db()
    assert session.capacity == 3
    assert statuses(seated, *waiting) == [Enrollment.Status.ENROLLED] * 3 + [Enrollment.Status.WAITLISTED]
    assert positions(waiting[2]) == [1]
    assert sorted(message.to[0] for message in mailoutbox) == ["waiting0@example.com", "waiting1@example.com"]


def test_move_up_swaps_with_the_person_ahead(session, base_coordinator):
    enrol(session)
    first, second, third = (enrol(session) for _ in range(3))
    services.move_up(enrollment=third, by=base_coordinator)
    assert positions(first, second, third) == [1, 3, 2]
    services.move_up(enrollment=third, by=base_coordinator)
    assert positions(first, second, third) == [2, 3, 1]


def test_move_up_of_the_first_in_line_changes_nothing(session, base_coordinator):
    enrol(session)
    first, second = enrol(session), enrol(session)
    services.move_up(enrollment=first, by=base_coordinator)
    assert positions(first, second) == [1, 2]


def test_move_up_of_an_enrolled_person_is_refused(session, base_coordinator):
    seated = enrol(session)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.move_up(enrollment=seated, by=base_coordinator)
    assert refused.value.code == "not_waitlisted"


def test_promotion_follows_the_order_after_moving_up(session, base_coordinator):
    seated = enrol(session)
    first, second, third = (enrol(session) for _ in range(3))
    services.move_up(enrollment=second, by=base_coordinator)

    services.cancel(enrollment=seated, by=base_coordinator)
    assert statuses(first, second, third) == [
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.ENROLLED,
        Enrollment.Status.WAITLISTED,
    ]
    assert positions(first, third) == [1, 2]

    services.change_capacity(session=session, capacity=2, by=base_coordinator)
    assert statuses(first, third) == [Enrollment.Status.ENROLLED, Enrollment.Status.WAITLISTED]


def test_newcomers_join_the_end_of_the_waitlist_after_moves_and_promotions(session, base_coordinator):
    seated = enrol(session)
    first, second = enrol(session), enrol(session)
    services.move_up(enrollment=second, by=base_coordinator)
    services.cancel(enrollment=seated, by=base_coordinator)
    newcomer = enrol(session)
    assert statuses(second) == [Enrollment.Status.ENROLLED]
    assert positions(first, newcomer) == [1, 2]


def test_only_the_sessions_coordinators_move_people_up_or_change_capacity(session, base_coordinator, coordinator_b):
    enrol(session)
    first, second = enrol(session), enrol(session)
    for change in (
        lambda: services.move_up(enrollment=second, by=coordinator_b),
        lambda: services.change_capacity(session=session, capacity=5, by=coordinator_b),
    ):
        with pytest.raises(services.EnrollmentRefused) as refused:
            change()
        assert refused.value.code == "not_allowed"
    assert positions(first, second) == [1, 2]
    session.refresh_from_db()
    assert session.capacity == 1
