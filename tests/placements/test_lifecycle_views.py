"""The lifecycle pages: who may open and post what."""

import datetime

import pytest
from django.utils import timezone

from placements import services
from placements.models import Appeal, LearningAgreement, Placement, PlacementRound
from tests.factories import PractitionerFactory, UserFactory


@pytest.fixture
def proposal(round_a, base_a, make_position, trainee, administrator):
    x = make_position(round_a, base_a, capacity=1)
    y = make_position(round_a, base_a, capacity=1)
    rival = PractitionerFactory(name="对手学员")
    services.submit_preferences(trainee=rival, round=round_a, positions=[x])
    services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[x, y])
    PlacementRound.objects.filter(pk=round_a.pk).update(preference_deadline=timezone.now())
    services.match_round(round=round_a, by=administrator)
    return Placement.objects.get(trainee=trainee.practitioner)


def test_a_proposal_is_shown_once_published_with_its_explanation_and_appeal(
    client, proposal, trainee, administrator, coordinator_a, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    assert 'data-testid="placement"' not in client.get("/placements/mine/").content.decode()

    client.force_login(coordinator_a)  # a base coordinator does not publish the round
    client.post(f"/placements/manage/rounds/{proposal.round_id}/publish/")
    assert PlacementRound.objects.get(pk=proposal.round_id).published_at is None
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/placements/manage/rounds/{proposal.round_id}/publish/")

    client.force_login(trainee)
    page = client.get("/placements/mine/").content.decode()
    assert 'data-testid="explanation"' in page and 'data-testid="appeal-form"' in page
    client.post(f"/placements/placements/{proposal.pk}/appeal/", {"reason": "希望去第一志愿"})
    assert Appeal.objects.get().reason == "希望去第一志愿"
    page = client.get(f"/placements/manage/rounds/{proposal.round_id}/")
    assert page.status_code == 403  # a trainee has no round page

    client.force_login(administrator)
    page = client.get(f"/placements/manage/rounds/{proposal.round_id}/").content.decode()
    assert "希望去第一志愿" in page


def test_only_the_trainee_the_supervisor_the_tutor_and_coordinators_open_the_agreement(
    client, round_a, base_a, make_position, supervisor, trainee, other_trainee, coordinator_a, coordinator_b
):
    position = make_position(round_a, base_a)
    tutor_user = UserFactory()
    tutor = PractitionerFactory(user=tutor_user)
    supervisor.user = UserFactory()
    supervisor.save()
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=round_a, position=position, tutor=tutor, status="confirmed"
    )
    url = f"/placements/placements/{placement.pk}/agreement/"
    for outsider in (other_trainee, coordinator_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(trainee)
    text = {"goals": "目标", "tasks": "任务", "schedule": "安排", "supervision": "督导"}
    client.post(url, text)
    agreement = LearningAgreement.objects.get()
    for user in (supervisor.user, tutor_user):
        client.force_login(user)
        assert client.get(url).status_code == 200
        client.post(url + "confirm/", {"revision": agreement.revision})
    agreement.refresh_from_db()
    assert agreement.is_confirmed
    client.force_login(coordinator_a)
    assert client.post(url, text | {"goals": "改"}).status_code == 403  # only the trainee writes it
    assert client.get(f"/placements/placements/{placement.pk}/journal/").status_code == 200


def test_the_tutor_picker_searches_by_name_and_sets_by_id(
    client, round_a, base_a, make_position, coordinator_a, trainee
):
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(trainee=trainee.practitioner, round=round_a, position=position)
    tutor = PractitionerFactory(name="钱导师")
    client.force_login(trainee)
    assert client.get("/placements/manage/tutors/?q=钱").status_code == 403
    client.force_login(coordinator_a)
    (found,) = client.get("/placements/manage/tutors/?q=钱导").json()["results"]
    assert found["id"] == tutor.pk and tutor.resident_id not in found["label"] and "钱导师" in found["label"]
    client.post(f"/placements/manage/placements/{placement.pk}/tutor/", {"tutor": found["id"], "resident_id": ""})
    placement.refresh_from_db()
    assert placement.tutor == tutor


def test_journal_page_shows_missing_weeks_to_the_coordinator(client, round_a, base_a, make_position, coordinator_a):
    PlacementRound.objects.filter(pk=round_a.pk).update(
        internship_start=timezone.localdate() - datetime.timedelta(days=21)
    )
    position = make_position(round_a, base_a)
    placement = Placement.objects.create(
        trainee=PractitionerFactory(), round=round_a, position=position, status="confirmed"
    )
    client.force_login(coordinator_a)
    page = client.get(f"/placements/placements/{placement.pk}/journal/").content.decode()
    assert 'data-testid="missing-weeks"' in page and 'data-testid="journal-form"' not in page
