import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from placements import services
from placements.models import HourLog, Placement, PlacementRound, Preference
from tests.factories import PractitionerFactory, UserFactory, meet_internship_requirements


def test_round_list_shows_positions_with_seats(client, round_a, base_a, make_position):
    make_position(round_a, base_a, capacity=4)
    response = client.get("/placements/")
    (listed,) = response.context["rounds"]
    assert listed.positions.all()[0].filled == 0
    assert "0 / 4" in response.content.decode()


def test_round_list_query_count_is_fixed(client, round_a, base_a, base_b, make_position):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/placements/")
        return len(queries)

    make_position(round_a, base_a)
    few = count()
    for _ in range(10):
        make_position(round_a, base_b)
    assert count() == few


def test_trainee_ranks_positions_on_their_page(client, trainee, round_a, base_a, make_position):
    first, second = make_position(round_a, base_a), make_position(round_a, base_a)
    client.force_login(trainee)
    assert client.get("/placements/mine/").status_code == 200
    prefix = f"round{round_a.pk}"
    client.post(
        f"/placements/rounds/{round_a.pk}/preferences/",
        {f"{prefix}-choice_1": second.pk, f"{prefix}-choice_2": first.pk},
    )
    assert list(Preference.objects.order_by("rank").values_list("position", flat=True)) == [second.pk, first.pk]


def test_trainee_logs_hours_only_on_their_own_placement(client, trainee, other_trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a, capacity=2)
    mine = Placement.objects.create(trainee=trainee.practitioner, round=round_a, position=position, status="confirmed")
    theirs = Placement.objects.create(
        trainee=other_trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    meet_internship_requirements(mine)
    meet_internship_requirements(theirs)
    client.force_login(trainee)
    data = {"hours": "6", "activity": "走访", "date": timezone.localdate().isoformat()}
    client.post(f"/placements/placements/{mine.pk}/hours/", {f"log{mine.pk}-{k}": v for k, v in data.items()})
    assert mine.hour_logs.count() == 1
    response = client.post(
        f"/placements/placements/{theirs.pk}/hours/", {f"log{theirs.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 404
    assert theirs.hour_logs.count() == 0


def test_organiser_runs_matching_and_confirms(client, coordinator_a, trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a)
    round_a.organisers.add(coordinator_a)
    services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[position])
    PlacementRound.objects.filter(pk=round_a.pk).update(
        preference_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(coordinator_a)
    client.post(f"/placements/manage/rounds/{round_a.pk}/match/")
    assert Placement.objects.get().status == "proposed"
    page = client.get(f"/placements/manage/rounds/{round_a.pk}/")
    assert 'data-testid="rank-chart"' in page.content.decode()
    client.post(f"/placements/manage/rounds/{round_a.pk}/publish/")
    round_a.refresh_from_db()
    assert round_a.published_at is not None
    PlacementRound.objects.filter(pk=round_a.pk).update(published_at=round_a.published_at - datetime.timedelta(days=4))
    client.post(f"/placements/manage/rounds/{round_a.pk}/confirm/")
    assert Placement.objects.get().status == "confirmed"
    round_a.refresh_from_db()
    assert round_a.status == PlacementRound.Status.CONFIRMED


def test_coordinator_of_another_base_gets_404(client, coordinator_b, round_a, base_a, make_position):
    make_position(round_a, base_a)
    client.force_login(coordinator_b)
    assert client.get(f"/placements/manage/rounds/{round_a.pk}/").status_code == 404
    assert client.post(f"/placements/manage/rounds/{round_a.pk}/match/").status_code == 404
    assert client.get(f"/placements/manage/rounds/{round_a.pk}/placements.xlsx").status_code == 404


def test_trainees_get_403_on_coordinator_pages(client, trainee, round_a):
    client.force_login(trainee)
    assert client.get("/placements/manage/").status_code == 403
    assert client.get(f"/placements/manage/rounds/{round_a.pk}/").status_code == 403


def test_hour_logs_page_is_scoped(client, coordinator_a, coordinator_b, trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    log = HourLog.objects.create(placement=placement, date=datetime.date.today(), hours=Decimal(4), activity="x")
    client.force_login(coordinator_b)
    assert list(client.get("/placements/manage/hours/").context["logs"]) == []
    assert client.post(f"/placements/manage/hours/{log.pk}/review/", {"approve": "1"}).status_code == 404
    client.force_login(coordinator_a)
    assert list(client.get("/placements/manage/hours/").context["logs"]) == [log]
    client.post(f"/placements/manage/hours/{log.pk}/review/", {"approve": "1"})
    log.refresh_from_db()
    assert log.status == "approved"


def test_supervisor_sees_only_their_positions_logs(
    client, supervisor, trainee, other_trainee, round_a, base_a, make_position
):
    supervisor.user = UserFactory(role="trainee")
    supervisor.save()
    other_supervisor = PractitionerFactory(qualification_level="senior", qualification_certificate_number="Z9")
    mine = make_position(round_a, base_a)
    not_mine = make_position(round_a, base_a)
    not_mine.supervisor = other_supervisor
    not_mine.save()
    for person, position in [(trainee, mine), (other_trainee, not_mine)]:
        placement = Placement.objects.create(
            trainee=person.practitioner, round=round_a, position=position, status="confirmed"
        )
        HourLog.objects.create(placement=placement, date=datetime.date.today(), hours=Decimal(4), activity="x")
    client.force_login(supervisor.user)
    (visible,) = client.get("/placements/manage/hours/").context["logs"]
    assert visible.placement.position == mine


@pytest.mark.parametrize("url", ["/placements/mine/", "/placements/manage/", "/placements/manage/hours/"])
def test_anonymous_users_are_sent_to_sign_in(client, url, db):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_export_masks_ids_for_coordinators(client, coordinator_a, trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a)
    Placement.objects.create(trainee=trainee.practitioner, round=round_a, position=position, status="confirmed")
    client.force_login(coordinator_a)
    response = client.get(f"/placements/manage/rounds/{round_a.pk}/placements.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_coordinator_sets_the_tutor_by_resident_id(client, coordinator_a, trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    tutor = PractitionerFactory(name="李导师")
    client.force_login(coordinator_a)
    client.post(f"/placements/manage/placements/{placement.pk}/tutor/", {"resident_id": "11010519491231002X"})
    placement.refresh_from_db()
    assert placement.tutor is None  # unknown ID: refused
    client.post(f"/placements/manage/placements/{placement.pk}/tutor/", {"resident_id": tutor.resident_id})
    placement.refresh_from_db()
    assert placement.tutor == tutor


def test_mentor_finds_and_evaluates_their_intern(client, supervisor, trainee, round_a, base_a, make_position):
    supervisor.user = UserFactory(role="trainee")
    supervisor.save()
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    client.force_login(supervisor.user)
    assert list(client.get("/placements/mine/").context["mentored"]) == [placement]
    client.post(f"/placements/placements/{placement.pk}/evaluate/", {"score": "88", "comment": "认真负责"})
    assert placement.evaluations.get().score == 88


def test_only_mentors_can_open_the_evaluation_page(client, trainee, round_a, base_a, make_position):
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, status="confirmed"
    )
    client.force_login(trainee)
    assert client.get(f"/placements/placements/{placement.pk}/evaluate/").status_code == 404


def test_round_page_query_count_is_fixed(client, coordinator_a, round_a, base_a, make_position):
    round_a.status = PlacementRound.Status.MATCHING
    round_a.save()
    position = make_position(round_a, base_a, capacity=50)
    client.force_login(coordinator_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/placements/manage/rounds/{round_a.pk}/").status_code == 200
        return len(queries)

    Placement.objects.create(trainee=PractitionerFactory(), round=round_a, position=position)
    few = count()
    for _ in range(15):
        Placement.objects.create(trainee=PractitionerFactory(), round=round_a, position=position)
    assert count() == few
