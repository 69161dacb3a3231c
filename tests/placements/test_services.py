import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from placements import services
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Preference
from tests.factories import (
    PractitionerFactory,
    TrainingBaseFactory,
    UserFactory,
    meet_internship_requirements,
    publish_and_close_appeals,
)
from training.models import Course, CourseSession, Enrollment


def refused_code(call, **kwargs):
    with pytest.raises(services.PlacementRefused) as refusal:
        call(**kwargs)
    return refusal.value.code


def pass_deadline(round):
    """The preference deadline is behind us: the round may be matched."""
    PlacementRound.objects.filter(pk=round.pk).update(
        preference_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


def complete_course(trainee, course):
    session = CourseSession.objects.create(
        course=course,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 6),
        capacity=5,
        enrollment_opens=timezone.now(),
        enrollment_closes=timezone.now(),
        status=CourseSession.Status.FINISHED,
    )
    Enrollment.objects.create(session=session, trainee=trainee, status=Enrollment.Status.COMPLETED)


def test_preferences_are_saved_in_rank_order_and_replace_earlier_ones(round_a, base_a, make_position, trainee):
    first, second, third = (make_position(round_a, base_a) for _ in range(3))
    practitioner = trainee.practitioner
    services.submit_preferences(trainee=practitioner, round=round_a, positions=[first, second])
    services.submit_preferences(trainee=practitioner, round=round_a, positions=[third, first])
    assert list(Preference.objects.order_by("rank").values_list("position", "rank")) == [(third.pk, 1), (first.pk, 2)]


def test_preferences_refused_after_the_deadline_and_outside_collection(make_round, base_a, make_position, trainee):
    late = make_round(preference_deadline=timezone.now() - datetime.timedelta(minutes=1))
    position = make_position(late, base_a)
    assert (
        refused_code(services.submit_preferences, trainee=trainee.practitioner, round=late, positions=[position])
        == "not_collecting"
    )
    draft = make_round(status=PlacementRound.Status.DRAFT)
    assert (
        refused_code(
            services.submit_preferences,
            trainee=trainee.practitioner,
            round=draft,
            positions=[make_position(draft, base_a)],
        )
        == "not_collecting"
    )


def test_more_than_five_or_duplicate_preferences_are_refused(round_a, base_a, make_position, trainee):
    positions = [make_position(round_a, base_a) for _ in range(6)]
    practitioner = trainee.practitioner
    assert refused_code(services.submit_preferences, trainee=practitioner, round=round_a, positions=positions) == (
        "too_many"
    )
    assert (
        refused_code(
            services.submit_preferences, trainee=practitioner, round=round_a, positions=[positions[0], positions[0]]
        )
        == "duplicate"
    )


def test_required_course_missing_is_explained(round_a, base_a, make_position, trainee):
    course = Course.objects.create(base=TrainingBaseFactory(), code="M1", title="社区调解实务", hours=8)
    position = make_position(round_a, base_a)
    position.required_courses.add(course)
    with pytest.raises(services.PlacementRefused) as refusal:
        services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[position])
    assert refusal.value.code == "not_eligible"
    assert "社区调解实务" in refusal.value.message
    complete_course(trainee.practitioner, course)
    services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[position])


def test_placed_in_an_overlapping_round_is_not_eligible(make_round, base_a, make_position, trainee):
    earlier = make_round()
    Placement.objects.create(
        trainee=trainee.practitioner, round=earlier, position=make_position(earlier, base_a), status="confirmed"
    )
    overlapping = make_round()
    code = refused_code(
        services.submit_preferences,
        trainee=trainee.practitioner,
        round=overlapping,
        positions=[make_position(overlapping, base_a)],
    )
    assert code == "not_eligible"


def test_matching_proposes_optimal_placements_with_a_report(round_a, base_a, make_position, administrator):
    popular, other = make_position(round_a, base_a), make_position(round_a, base_a)
    flexible, picky, nobody = PractitionerFactory(), PractitionerFactory(), PractitionerFactory()
    for trainee, positions in [(flexible, [popular, other]), (picky, [popular])]:
        services.submit_preferences(trainee=trainee, round=round_a, positions=positions)
    course = Course.objects.create(base=TrainingBaseFactory(), code="R", title="必修", hours=4)
    locked = make_position(round_a, base_a)
    services.submit_preferences(trainee=nobody, round=round_a, positions=[locked])
    locked.required_courses.add(course)  # became ineligible after choosing
    pass_deadline(round_a)

    report = services.match_round(round=round_a, by=administrator)

    placed = dict(Placement.objects.values_list("trainee", "position"))
    # Greedy in arrival order would give `flexible` the popular seat and leave `picky` out.
    assert placed == {flexible.pk: other.pk, picky.pk: popular.pk}
    assert report.placed == 2
    assert report.rank_counts[1] == 1 and report.rank_counts[2] == 1
    assert report.unplaced == [(nobody, services.NO_ELIGIBLE_POSITION)]
    assert set(Placement.objects.values_list("status", flat=True)) == {"proposed"}
    round_a.refresh_from_db()
    assert round_a.status == PlacementRound.Status.MATCHING


def test_matching_reports_all_full_and_is_repeatable(round_a, base_a, make_position, administrator):
    seat = make_position(round_a, base_a, capacity=1)
    first, second = PractitionerFactory(), PractitionerFactory()
    for trainee in (first, second):
        services.submit_preferences(trainee=trainee, round=round_a, positions=[seat])
    pass_deadline(round_a)
    report = services.match_round(round=round_a, by=administrator)
    again = services.match_round(round=round_a, by=administrator)
    assert report.unplaced[0][1] == services.ALL_FULL
    assert Placement.objects.count() == 1
    assert again.unplaced == report.unplaced
    assert services.unplaced_with_reasons(round_a) == report.unplaced


def test_manual_placement_respects_capacity_and_one_per_round(round_a, base_a, make_position, coordinator_a):
    round_a.status = PlacementRound.Status.MATCHING
    round_a.save()
    position = make_position(round_a, base_a, capacity=1)
    other_position = make_position(round_a, base_a, capacity=3)
    first, second = PractitionerFactory(), PractitionerFactory()
    services.add_placement(trainee=first, position=position, by=coordinator_a)
    assert refused_code(services.add_placement, trainee=second, position=position, by=coordinator_a) == "full"
    assert (
        refused_code(services.add_placement, trainee=first, position=other_position, by=coordinator_a)
        == "already_placed"
    )
    assert Placement.objects.count() == 1


def test_database_holds_one_live_placement_per_trainee_and_round(round_a, base_a, make_position):
    trainee = PractitionerFactory()
    position = make_position(round_a, base_a, capacity=5)
    Placement.objects.create(trainee=trainee, round=round_a, position=position, status="withdrawn")
    Placement.objects.create(trainee=trainee, round=round_a, position=position)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(trainee=trainee, round=round_a, position=position)


def test_move_and_withdraw(round_a, base_a, make_position, coordinator_a):
    round_a.status = PlacementRound.Status.MATCHING
    round_a.save()
    full = make_position(round_a, base_a, capacity=1)
    free = make_position(round_a, base_a, capacity=1)
    placed = services.add_placement(trainee=PractitionerFactory(), position=full, by=coordinator_a)
    mover = services.add_placement(trainee=PractitionerFactory(), position=free, by=coordinator_a)
    assert refused_code(services.move_placement, placement=mover, position=full, by=coordinator_a) == "full"
    services.withdraw_placement(placement=placed, by=coordinator_a)
    services.move_placement(placement=mover, position=full, by=coordinator_a)
    mover.refresh_from_db()
    assert mover.position == full


def test_confirming_the_round_confirms_and_emails(
    round_a, base_a, make_position, mailoutbox, trainee, administrator, django_capture_on_commit_callbacks
):
    position = make_position(round_a, base_a)
    services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[position])
    pass_deadline(round_a)
    services.match_round(round=round_a, by=administrator)
    publish_and_close_appeals(round_a, by=administrator)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.confirm_round(round=round_a, by=administrator) == 1
    assert Placement.objects.get().status == "confirmed"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [trainee.email]


@pytest.fixture
def confirmed(round_a, base_a, make_position, trainee):
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    meet_internship_requirements(placement)  # agreement confirmed, journals written
    return placement


def test_hour_logs_are_validated(confirmed):
    today = timezone.localdate()
    log = services.log_hours(placement=confirmed, date=today, hours=Decimal("6"), activity="入户走访")
    assert log.status == HourLog.Status.SUBMITTED
    assert refused_code(services.log_hours, placement=confirmed, date=today, hours=Decimal(2), activity="x") == (
        "day_already_logged"
    )
    yesterday = today - datetime.timedelta(days=1)
    assert refused_code(services.log_hours, placement=confirmed, date=yesterday, hours=Decimal(13), activity="x") == (
        "hours_out_of_range"
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert refused_code(services.log_hours, placement=confirmed, date=tomorrow, hours=Decimal(2), activity="x") == (
        "future"
    )
    long_ago = confirmed.round.internship_start - datetime.timedelta(days=1)
    assert refused_code(services.log_hours, placement=confirmed, date=long_ago, hours=Decimal(2), activity="x") == (
        "outside_internship"
    )


def test_database_holds_hours_between_0_and_12(confirmed):
    with pytest.raises(IntegrityError), transaction.atomic():
        HourLog.objects.create(placement=confirmed, date=timezone.localdate(), hours=Decimal(13), activity="x")


def test_review_rules(confirmed, coordinator_a, coordinator_b, supervisor):
    log = services.log_hours(placement=confirmed, date=timezone.localdate(), hours=Decimal(8), activity="x")
    assert refused_code(services.review_hour_log, log=log, approve=True, by=coordinator_b) == "not_allowed"
    assert refused_code(services.review_hour_log, log=log, approve=False, by=coordinator_a) == "reason_required"
    supervisor.user = UserFactory()
    supervisor.save()
    services.review_hour_log(log=log, approve=True, by=supervisor.user)
    log.refresh_from_db()
    assert (log.status, log.reviewed_by) == (HourLog.Status.APPROVED, supervisor.user)


def test_placement_completes_with_hours_and_two_passing_evaluations(confirmed, coordinator_a, supervisor):
    tutor = PractitionerFactory(name="高校导师")
    services.set_tutor(placement=confirmed, tutor=tutor, by=coordinator_a)
    today = timezone.localdate()
    for days in (0, 1):
        log = services.log_hours(
            placement=confirmed, date=today - datetime.timedelta(days=days), hours=Decimal(8), activity="x"
        )
        services.review_hour_log(log=log, approve=True, by=coordinator_a)
    services.submit_evaluation(placement=confirmed, mentor=supervisor, score=Decimal(85))
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"  # one evaluation is not enough
    assert (
        refused_code(services.submit_evaluation, placement=confirmed, mentor=PractitionerFactory(), score=Decimal(90))
        == "not_mentor"
    )
    services.submit_evaluation(placement=confirmed, mentor=tutor, score=Decimal(90))
    confirmed.refresh_from_db()
    assert confirmed.status == "completed"
    assert set(Evaluation.objects.values_list("role", flat=True)) == {"supervisor", "tutor"}


def test_failing_evaluation_fails_the_placement(confirmed, coordinator_a, supervisor):
    tutor = PractitionerFactory()
    services.set_tutor(placement=confirmed, tutor=tutor, by=coordinator_a)
    log = services.log_hours(placement=confirmed, date=timezone.localdate(), hours=Decimal(12), activity="x")
    services.review_hour_log(log=log, approve=True, by=coordinator_a)
    log = services.log_hours(
        placement=confirmed, date=timezone.localdate() - datetime.timedelta(days=1), hours=Decimal(12), activity="x"
    )
    services.review_hour_log(log=log, approve=True, by=coordinator_a)
    services.submit_evaluation(placement=confirmed, mentor=supervisor, score=Decimal(40))
    services.submit_evaluation(placement=confirmed, mentor=tutor, score=Decimal(90))
    confirmed.refresh_from_db()
    assert confirmed.status == "failed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_manual_placements_never_exceed_capacity(make_round, base_a, make_position, coordinator_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite serialises writers")
    round = make_round(status=PlacementRound.Status.MATCHING)
    position = make_position(round, base_a, capacity=3)
    trainees = [PractitionerFactory() for _ in range(12)]
    barrier = threading.Barrier(len(trainees))
    outcomes = []

    def place(trainee):
        try:
            barrier.wait()
            services.add_placement(trainee=trainee, position=position, by=coordinator_a)
            outcomes.append("placed")
        except services.PlacementRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(t,)) for t in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * 9 + ["placed"] * 3
    assert Placement.objects.filter(position=position).count() == 3
