"""The internship from the match to the last day: not-acceptable marks,
published proposals with explanations and appeals, answers and offers of freed
seats, the learning agreement, journals, visits, the rubric, the completion
rule and the anonymous site feedback."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Notification
from placements import (
    acceptability,
    agreements,
    appeals,
    completion,
    feedback,
    journals,
    matching,
    offers,
    rubrics,
    selectors,
    services,
    visits,
)
from placements.errors import PlacementRefused
from placements.models import (
    Appeal,
    Competency,
    Evaluation,
    HourLog,
    JournalEntry,
    LearningAgreement,
    NotAcceptable,
    Placement,
    PlacementRound,
    Position,
    SeatOffer,
    SiteFeedback,
    SiteFeedbackReceipt,
    UnplacedExplanation,
)
from talent.roles import Role
from tests.factories import PractitionerFactory, UserFactory, meet_internship_requirements


def refused_code(call, **kwargs):
    with pytest.raises(PlacementRefused) as refusal:
        call(**kwargs)
    return refusal.value.code


def pass_deadline(round):
    PlacementRound.objects.filter(pk=round.pk).update(
        preference_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    round.refresh_from_db()


@pytest.fixture
def contest(round_a, base_a, make_position, administrator):
    """Two positions X (1 seat) and Y (2 seats); four trainees: A, B and C
    rank X then Y, D ranks only X."""
    x = make_position(round_a, base_a, capacity=1)
    y = make_position(round_a, base_a, capacity=2)
    people = [PractitionerFactory(name=name) for name in ("甲学员", "乙学员", "丙学员", "丁学员")]
    for person in people[:3]:
        services.submit_preferences(trainee=person, round=round_a, positions=[x, y], statements=["想做调解", ""])
    services.submit_preferences(trainee=people[3], round=round_a, positions=[x])
    return round_a, x, y, people


# Before the match --------------------------------------------------------------------


def test_a_marked_trainee_is_never_matched_there(contest, coordinator_a, coordinator_b, administrator):
    round, x, y, (a, _b, _c, d) = contest
    assert (
        refused_code(acceptability.mark_not_acceptable, position=x, trainee=d, reason="x", by=coordinator_b)
        == "not_allowed"
    )
    assert refused_code(acceptability.mark_not_acceptable, position=x, trainee=d, reason=" ", by=coordinator_a) == (
        "reason_required"
    )
    acceptability.mark_not_acceptable(position=x, trainee=d, reason="未完成岗前培训", by=coordinator_a)
    acceptability.mark_not_acceptable(position=x, trainee=a, reason="语言不通", by=coordinator_a)
    pass_deadline(round)
    report = services.match_round(round=round, by=administrator)

    placed = dict(Placement.objects.values_list("trainee", "position"))
    assert d.pk not in placed and placed[a.pk] == y.pk
    assert report.placed == 3
    assert (d, services.NO_ELIGIBLE_POSITION) in report.unplaced
    with pytest.raises(PlacementRefused):
        services.add_placement(trainee=a, position=x, by=administrator)  # nor by hand


def test_coordinators_see_who_ranked_their_positions_with_statements(client, contest, coordinator_a, coordinator_b):
    round, x, y, _people = contest
    client.force_login(coordinator_a)
    page = client.get(f"/placements/manage/rounds/{round.pk}/applicants/").content.decode()
    assert "想做调解" in page and "丁学员" in page
    ranked = selectors.rank_histogram([x, y])
    assert ranked[x.pk] == {1: 4, 2: 0, 3: 0, 4: 0, 5: 0}
    assert ranked[y.pk][2] == 3
    client.force_login(coordinator_b)
    assert client.get(f"/placements/manage/rounds/{round.pk}/applicants/").status_code == 404


def test_applicants_page_queries_do_not_grow(client, contest, coordinator_a, django_assert_max_num_queries):
    round, _x, y, _people = contest
    client.force_login(coordinator_a)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/placements/manage/rounds/{round.pk}/applicants/")
    for n in range(6):
        services.submit_preferences(
            trainee=PractitionerFactory(name=f"新学员{'甲乙丙丁戊己'[n]}"), round=round, positions=[y]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/placements/manage/rounds/{round.pk}/applicants/")


# After the match ---------------------------------------------------------------------


@pytest.fixture
def published(contest, administrator, django_capture_on_commit_callbacks):
    round, x, y, people = contest
    pass_deadline(round)
    services.match_round(round=round, by=administrator)
    with django_capture_on_commit_callbacks(execute=True):
        appeals.publish_proposals(round=round, by=administrator)
    round.refresh_from_db()
    return round, x, y, people


def test_publishing_tells_the_trainees_and_explains_by_the_solver(published):
    round, x, y, people = published
    assert round.explained_at is not None  # the task ran at once (TASKS_BACKEND=immediate)
    assert Notification.objects.filter(kind="placements.published").count() == 3  # those with a proposal
    # The one who ranked only the full position is told there is none for them.
    placed = set(Placement.objects.filter(round=round).values_list("trainee", flat=True))
    (unplaced,) = [person for person in people if person.pk not in placed]
    (told,) = Notification.objects.filter(kind="placements.unplaced")
    assert told.practitioner == unplaced and round.name in told.subject
    at_y = Placement.objects.filter(position=y).select_related("trainee")
    assert at_y.count() == 2
    for placement in at_y:
        (entry,) = placement.explanation["choices"]
        assert entry["position"] == x.pk and entry["rank"] == 1
        # The claim, checked by solving again with the choice forced: the best
        # assignment that has this trainee at X moves `down` people down.
        actual = {p.trainee_id: p.preference_rank for p in Placement.objects.all()}
        others = [p.pk for p in people if p != placement.trainee]
        forced = matching.assign(
            [
                matching.Choice(c.trainee_id, c.position_id, c.rank)
                for c in round.preferences.exclude(trainee=placement.trainee)
            ],
            {x.pk: 0, y.pk: 2},  # this trainee holds X's one seat and has left Y
            others,
        )
        worse = [t for t in others if t in actual and (t not in forced.placed or forced.placed[t][1] > actual[t])]
        assert entry["down"] == len(worse) == 1
        assert entry["full_of_higher"] is False  # the holder ranked X first, as this trainee did


def test_the_trainee_given_nothing_sees_why_for_each_choice(published, client):
    round, x, y, people = published
    placed = set(Placement.objects.filter(round=round).values_list("trainee", flat=True))
    (left_out,) = [person for person in people if person.pk not in placed]
    (account,) = UnplacedExplanation.objects.filter(round=round)
    assert account.trainee == left_out
    (entry,) = account.explanation["choices"]
    assert entry["position"] == x.pk and entry["rank"] == 1
    # The claim, checked by solving again with this trainee forced into X's one seat.
    actual = {p.trainee_id: p.preference_rank for p in Placement.objects.all()}
    others = [p.pk for p in people if p != left_out]
    forced = matching.assign(
        [matching.Choice(c.trainee_id, c.position_id, c.rank) for c in round.preferences.exclude(trainee=left_out)],
        {x.pk: 0, y.pk: 2},
        others,
    )
    # Several best assignments tie here (who of the three left for Y's two seats
    # goes without); in every one of them exactly one of the others loses their seat.
    lose_their_seat = [t for t in others if t in actual and t not in forced.placed]
    assert entry["unplaced"] == len(lose_their_seat) == 1
    assert entry["down"] >= 1 and entry["full_of_higher"] is False

    left_out.user = UserFactory(role=Role.TRAINEE)
    left_out.save(update_fields=["user"])
    client.force_login(left_out.user)
    page = client.get("/placements/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="unplaced"' in page and x.title in page
    assert f"No placement for you in {round.name}" in page


def test_a_trainee_appeals_once_and_confirmation_waits(published, administrator):
    round, x, y, _people = published
    placement = Placement.objects.filter(position=y).first()
    trainee = placement.trainee
    appeal = appeals.appeal(placement=placement, trainee=trainee, reason="我住在X附近")
    assert refused_code(appeals.appeal, placement=placement, trainee=trainee, reason="again") == "already_appealed"
    assert refused_code(services.confirm_round, round=round, by=administrator) == "appeal_window"
    PlacementRound.objects.filter(pk=round.pk).update(published_at=timezone.now() - datetime.timedelta(days=5))
    round.refresh_from_db()
    assert (
        refused_code(
            appeals.appeal,
            placement=Placement.objects.get(position=x),
            trainee=Placement.objects.get(position=x).trainee,
            reason="late",
        )
        == "closed"
    )
    assert refused_code(services.confirm_round, round=round, by=administrator) == "appeals_open"

    appeals.resolve_appeal(appeal=appeal, outcome=Appeal.Status.KEPT, answer="名额已满", by=administrator)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.KEPT and appeal.resolution == "名额已满"
    assert Notification.objects.filter(kind="placements.appeal_resolved", practitioner=trainee).exists()
    assert services.confirm_round(round=round, by=administrator) == 3
    assert Placement.objects.filter(status="confirmed", respond_by__isnull=False).count() == 3


def test_appeals_are_resolved_by_moving_or_withdrawing(published, administrator, coordinator_b):
    round, x, y, _people = published
    first, second = Placement.objects.filter(position=y).select_related("trainee")
    moving = appeals.appeal(placement=first, trainee=first.trainee, reason="换岗")
    leaving = appeals.appeal(placement=second, trainee=second.trainee, reason="退出")
    assert (
        refused_code(appeals.resolve_appeal, appeal=moving, outcome=Appeal.Status.KEPT, by=coordinator_b)
        == "not_allowed"
    )
    holder = Placement.objects.get(position=x)
    services.withdraw_placement(placement=holder, by=administrator)  # a seat at X frees up
    appeals.resolve_appeal(appeal=moving, outcome=Appeal.Status.MOVED, position=x, by=administrator)
    appeals.resolve_appeal(appeal=leaving, outcome=Appeal.Status.WITHDRAWN, by=administrator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.position == x
    assert (second.status, second.end_reason) == (Placement.Status.WITHDRAWN, Placement.EndReason.WITHDRAWN)
    assert refused_code(services.match_round, round=round, by=administrator) == "published"


@pytest.fixture
def confirmed_round(published, administrator):
    round, x, y, people = published
    PlacementRound.objects.filter(pk=round.pk).update(published_at=timezone.now() - datetime.timedelta(days=5))
    round.refresh_from_db()
    services.confirm_round(round=round, by=administrator)
    return round, x, y, people


def test_accepting_and_declining_and_the_freed_seat_offered_in_solver_order(confirmed_round):
    _round, x, y, people = confirmed_round
    unplaced = set(people) - {p.trainee for p in Placement.objects.all()}
    (left_out,) = unplaced  # ranked X first and Y second, or only X
    at_x = Placement.objects.get(position=x)
    at_y = Placement.objects.filter(position=y).first()
    offers.answer_placement(placement=at_y, trainee=at_y.trainee, accept=True)
    at_y.refresh_from_db()
    assert at_y.accepted_at is not None
    assert refused_code(offers.answer_placement, placement=at_y, trainee=at_y.trainee, accept=False) == "status"

    offers.answer_placement(placement=at_x, trainee=at_x.trainee, accept=False)
    at_x.refresh_from_db()
    assert (at_x.status, at_x.end_reason) == (Placement.Status.WITHDRAWN, Placement.EndReason.DECLINED)
    offer = SeatOffer.objects.get()
    assert (offer.trainee, offer.position) == (left_out, x)
    assert Notification.objects.filter(kind="placements.seat_offered", practitioner=left_out).exists()
    Position.objects.filter(pk=x.pk).update(capacity=0)  # the seat went elsewhere meanwhile
    assert refused_code(offers.answer_offer, offer=offer, trainee=left_out, accept=True) == "full"
    Position.objects.filter(pk=x.pk).update(capacity=1)
    placement = offers.answer_offer(offer=offer, trainee=left_out, accept=True)
    assert (placement.position, placement.status) == (x, Placement.Status.CONFIRMED)
    assert placement.accepted_at is not None


def test_the_solver_order_prefers_the_better_rank_for_the_seat(round_a, base_a, make_position, administrator):
    x = make_position(round_a, base_a, capacity=1)
    y = make_position(round_a, base_a, capacity=0)
    holder, second_choice, first_choice = (PractitionerFactory() for _ in range(3))
    services.submit_preferences(trainee=holder, round=round_a, positions=[x])
    services.submit_preferences(trainee=second_choice, round=round_a, positions=[y, x])
    services.submit_preferences(trainee=first_choice, round=round_a, positions=[x])
    pass_deadline(round_a)
    Placement.objects.create(trainee=holder, round=round_a, position=x, status="confirmed", respond_by=timezone.now())
    PlacementRound.objects.filter(pk=round_a.pk).update(status="confirmed")
    assert offers.expire_overdue(now=timezone.now() + datetime.timedelta(seconds=1)) == 1
    first = SeatOffer.objects.get()
    assert first.trainee == first_choice  # ranked X first; the other ranked it second
    offers.answer_offer(offer=first, trainee=first_choice, accept=False)
    assert SeatOffer.objects.get(status="open").trainee == second_choice
    # An offer left unanswered expires and goes on (nobody is left here).
    assert offers.expire_overdue(now=timezone.now() + datetime.timedelta(days=30)) == 1
    assert not SeatOffer.objects.filter(status="open").exists()


# During the internship --------------------------------------------------------------------


@pytest.fixture
def running(round_a, base_a, make_position, supervisor, trainee):
    position = make_position(round_a, base_a)
    tutor = PractitionerFactory(name="高校导师")
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, tutor=tutor, status="confirmed"
    )
    return placement, trainee.practitioner, supervisor, tutor


AGREEMENT = {"goals": "掌握个案工作", "tasks": "入户走访", "schedule": "每周一三五", "supervision": "每周督导"}


def test_agreement_needs_all_three_and_a_change_needs_them_again(running):
    placement, me, supervisor, tutor = running
    assert refused_code(
        services.log_hours, placement=placement, date=timezone.localdate(), hours=Decimal(4), activity="x"
    ) == ("agreement_not_confirmed")
    assert refused_code(agreements.confirm_agreement, placement=placement, mentor=tutor, revision=1) == "no_agreement"
    agreement = agreements.save_agreement(placement=placement, trainee=me, **AGREEMENT)
    assert Notification.objects.filter(kind="placements.agreement_to_confirm").count() == 2
    assert refused_code(agreements.confirm_agreement, placement=placement, mentor=me, revision=1) == "not_allowed"
    agreements.confirm_agreement(placement=placement, mentor=supervisor, revision=agreement.revision)
    agreements.confirm_agreement(placement=placement, mentor=tutor, revision=agreement.revision)
    agreement.refresh_from_db()
    assert agreement.is_confirmed
    services.log_hours(placement=placement, date=timezone.localdate(), hours=Decimal(4), activity="x")

    changed = agreements.save_agreement(placement=placement, trainee=me, **(AGREEMENT | {"tasks": "小组工作"}))
    assert (changed.revision, changed.supervisor_confirmed_at, changed.tutor_confirmed_at) == (2, None, None)
    assert changed.trainee_confirmed_at is not None
    assert refused_code(agreements.confirm_agreement, placement=placement, mentor=tutor, revision=1) == "changed"
    unchanged = agreements.save_agreement(placement=placement, trainee=me, **(AGREEMENT | {"tasks": "小组工作"}))
    assert unchanged.revision == 2  # saving the same text changes nothing


def test_journals_weeks_missing_and_the_tutors_comment(running):
    placement, me, supervisor, tutor = running
    today = timezone.localdate()
    this_week = journals.monday(today)
    entry = journals.write_entry(
        placement=placement, trainee=me, week_start=today, activities="走访", reflection="思考"
    )
    assert entry.week_start == this_week
    assert (
        refused_code(
            journals.write_entry,
            placement=placement,
            trainee=me,
            week_start=today + datetime.timedelta(days=7),
            activities="x",
            reflection="y",
        )
        == "future"
    )
    missing = journals.missing_weeks(placement)
    assert this_week not in missing
    assert missing == [w for w in placement.round.internship_weeks() if w < this_week]
    assert refused_code(journals.comment_entry, entry=entry, tutor=supervisor, comment="好") == "not_allowed"
    journals.comment_entry(entry=entry, tutor=tutor, comment="反思很深入")
    assert Notification.objects.filter(kind="placements.journal_comment", practitioner=me).exists()
    assert (
        refused_code(
            journals.write_entry, placement=placement, trainee=me, week_start=today, activities="改", reflection="改"
        )
        == "commented"
    )


def test_site_visits_by_the_tutor(running):
    placement, _me, supervisor, tutor = running
    visit = visits.record_visit(
        placement=placement, tutor=tutor, date=timezone.localdate(), people_met="站长、督导", notes="状态良好"
    )
    assert visit.follow_up == ""
    assert (
        refused_code(
            visits.record_visit,
            placement=placement,
            tutor=supervisor,
            date=timezone.localdate(),
            people_met="x",
            notes="y",
        )
        == "not_allowed"
    )
    assert (
        refused_code(
            visits.record_visit,
            placement=placement,
            tutor=tutor,
            date=timezone.localdate() + datetime.timedelta(days=1),
            people_met="x",
            notes="y",
        )
        == "future"
    )


def test_rubric_score_is_the_weighted_mean_times_twenty(running):
    placement, _me, _supervisor, tutor = running
    practice = Competency.objects.create(
        name="专业实践", weight=Decimal(2), **{f"level_{n}": f"水平{n}" for n in range(1, 6)}
    )
    ethics = Competency.objects.create(
        name="伦理", weight=Decimal(1), order=1, **{f"level_{n}": f"水平{n}" for n in range(1, 6)}
    )
    Competency.objects.create(name="停用", active=False, **{f"level_{n}": "-" for n in range(1, 6)})
    rubric = rubrics.rubric_in_use()
    assert rubrics.weighted_score(rubric, {practice.pk: 4, ethics.pk: 2}) == Decimal("66.7")  # (8 + 2) / 3 × 20
    assert rubrics.weighted_score(rubric, {practice.pk: 3, ethics.pk: 3}) == Decimal("60.0")
    assert (
        refused_code(
            services.submit_evaluation,
            placement=placement,
            mentor=tutor,
            stage="midterm",
            ratings={practice.pk: (4, "好")},
        )
        == "rating_missing"
    )
    assert (
        refused_code(
            services.submit_evaluation,
            placement=placement,
            mentor=tutor,
            stage="midterm",
            ratings={practice.pk: (4, "好"), ethics.pk: (2, " ")},
        )
        == "evidence_missing"
    )
    midterm = services.submit_evaluation(
        placement=placement, mentor=tutor, stage="midterm", ratings={practice.pk: (5, "个案"), ethics.pk: (5, "保密")}
    )
    assert (midterm.stage, midterm.score, midterm.ratings.count()) == ("midterm", Decimal("100.0"), 2)
    final = services.submit_evaluation(
        placement=placement, mentor=tutor, stage="final", ratings={practice.pk: (4, "个案"), ethics.pk: (2, "保密")}
    )
    assert final.score == Decimal("66.7")
    assert Evaluation.objects.filter(placement=placement).count() == 2


def _settle(placement, supervisor, tutor, coordinator, *, supervisor_score=Decimal(80)):
    for days in (1, 2):
        log = HourLog.objects.create(
            placement=placement,
            date=timezone.localdate() - datetime.timedelta(days=days),
            hours=Decimal(8),
            activity="x",
        )
        services.review_hour_log(log=log, approve=True, by=coordinator)
    services.submit_evaluation(placement=placement, mentor=supervisor, score=supervisor_score)
    services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90), stage="midterm")
    services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90))


def test_completion_needs_the_agreement_the_journals_and_both_final_evaluations(running, coordinator_a):
    placement, _me, supervisor, tutor = running
    _settle(placement, supervisor, tutor, coordinator_a)
    placement.refresh_from_db()
    assert placement.status == "confirmed"  # no agreement, no journals
    now = timezone.now()
    LearningAgreement.objects.create(
        placement=placement, trainee_confirmed_at=now, supervisor_confirmed_at=now, tutor_confirmed_at=now, **AGREEMENT
    )
    weeks = placement.round.internship_weeks()
    required = completion.journal_weeks_required(placement.round)
    assert required == -(-len(weeks) * 8 // 10)  # 80 %, rounded up
    JournalEntry.objects.bulk_create(
        JournalEntry(placement=placement, week_start=w, activities="a", reflection="r") for w in weeks[1:required]
    )
    with django_db_lock(placement) as locked:
        assert not completion.update_completion(locked)  # one week short
    assert services.left_behind().filter(pk=placement.pk).count() == 0
    JournalEntry.objects.create(placement=placement, week_start=weeks[0], activities="a", reflection="r")
    assert services.left_behind().filter(pk=placement.pk).count() == 1
    assert services.reconcile_completions() == 1
    placement.refresh_from_db()
    assert placement.status == "completed"


def test_a_midterm_evaluation_does_not_count_for_completion(running, coordinator_a):
    placement, _me, supervisor, tutor = running
    meet_internship_requirements(placement)
    for days in (1, 2):
        log = HourLog.objects.create(
            placement=placement,
            date=timezone.localdate() - datetime.timedelta(days=days),
            hours=Decimal(8),
            activity="x",
        )
        services.review_hour_log(log=log, approve=True, by=coordinator_a)
    services.submit_evaluation(placement=placement, mentor=supervisor, score=Decimal(80))
    services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(90), stage="midterm")
    placement.refresh_from_db()
    assert placement.status == "confirmed"
    services.submit_evaluation(placement=placement, mentor=tutor, score=Decimal(50))
    placement.refresh_from_db()
    assert placement.status == "failed"  # a final below the passing score


class django_db_lock:
    """The placement locked in a transaction, as the services hold it."""

    def __init__(self, placement):
        self.placement = placement

    def __enter__(self):
        from django.db import transaction

        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        return completion.lock_placement(self.placement.pk)

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


# At the end ----------------------------------------------------------------------------


def test_site_feedback_is_anonymous_and_shown_from_five_answers(round_a, base_a, make_position):
    PlacementRound.objects.filter(pk=round_a.pk).update(internship_end=timezone.localdate())
    round_a.refresh_from_db()
    position = make_position(round_a, base_a, capacity=10)
    ratings = {"learning": 4, "supervision": 5, "support": 3, "overall": 4}
    placements = [
        Placement.objects.create(trainee=PractitionerFactory(), round=round_a, position=position, status="confirmed")
        for _ in range(5)
    ]
    for n, placement in enumerate(placements[:4]):
        feedback.give_feedback(placement=placement, trainee=placement.trainee, ratings=ratings, comment=f"意见{n}")
    assert selectors.site_feedback(base_a, round_a.internship_start.year) is None  # four answers show nothing
    assert (
        refused_code(feedback.give_feedback, placement=placements[0], trainee=placements[0].trainee, ratings=ratings)
        == "status"
    )
    feedback.give_feedback(placement=placements[4], trainee=placements[4].trainee, ratings=ratings | {"overall": 5})
    summary = selectors.site_feedback(base_a, round_a.internship_start.year)
    assert summary.responses == 5
    assert summary.averages["overall"] == Decimal("4.20")
    assert summary.comments == ["意见0", "意见1", "意见2", "意见3"]
    # Nothing links an answer to its trainee or placement.
    field_names = {f.name for f in SiteFeedback._meta.get_fields()}
    assert not field_names & {"trainee", "placement", "created_at", "submitted_at"}
    assert SiteFeedbackReceipt.objects.count() == 5
    assert selectors.site_feedback(base_a, round_a.internship_start.year - 1) is None


def test_not_acceptable_marks_are_closed_once_published(published, coordinator_a):
    _round, x, _y, people = published
    assert (
        refused_code(acceptability.mark_not_acceptable, position=x, trainee=people[0], reason="晚了", by=coordinator_a)
        == "status"
    )
    assert NotAcceptable.objects.count() == 0
