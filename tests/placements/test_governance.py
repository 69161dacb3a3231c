"""Who runs a round: its organisers and administrators match, confirm and
reopen it; a base's coordinators manage only their own positions' placements;
nothing is matched or confirmed before the preference deadline without an
administrator's recorded reason."""

import datetime
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib import messages
from django.urls import reverse
from django.utils import formats, timezone

from certificates import services as certificate_services
from placements import appeals, services
from placements.models import Placement, PlacementRound, Preference
from tests.factories import PractitionerFactory, publish_and_close_appeals


def refused_code(call, **kwargs):
    with pytest.raises(services.PlacementRefused) as refusal:
        call(**kwargs)
    return refusal.value.code


def pass_deadline(round):
    PlacementRound.objects.filter(pk=round.pk).update(
        preference_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


def error_messages(response) -> list[str]:
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


@pytest.fixture
def city(make_round, make_position, base_a, base_b):
    """The issue's round: one position at base A, three at base B. Two people
    ask for A's seat; six choose only B's positions, which have three seats."""
    round = make_round()
    a_seat = make_position(round, base_a, capacity=1)
    b_seats = [make_position(round, base_b, capacity=1) for _ in range(3)]
    wants_a = [PractitionerFactory(name="甲一"), PractitionerFactory(name="甲二")]
    services.submit_preferences(trainee=wants_a[0], round=round, positions=[a_seat, b_seats[0]])
    services.submit_preferences(trainee=wants_a[1], round=round, positions=[a_seat])
    only_b = [PractitionerFactory(name=f"乙只选{n}") for n in range(6)]
    for trainee in only_b:
        services.submit_preferences(trainee=trainee, round=round, positions=b_seats)
    pass_deadline(round)
    round.refresh_from_db()
    return SimpleNamespace(round=round, a_seat=a_seat, b_seats=b_seats, wants_a=wants_a, only_b=only_b)


def manage_url(round, action=""):
    return f"/placements/manage/rounds/{round.pk}/{action}"


# Matching and confirming belong to the organisers --------------------------------


def test_base_coordinator_cannot_match_the_city_wide_round(client, city, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(manage_url(city.round, "match/"))

    assert response.status_code == 302
    assert not Placement.objects.exists()
    city.round.refresh_from_db()
    assert city.round.status == PlacementRound.Status.COLLECTING
    assert error_messages(response)


def test_base_coordinator_cannot_confirm_the_round(client, city, coordinator_a, administrator, mailoutbox):
    services.match_round(round=city.round, by=administrator)
    client.force_login(coordinator_a)

    response = client.post(manage_url(city.round, "confirm/"))

    assert error_messages(response)
    assert set(Placement.objects.values_list("status", flat=True)) == {Placement.Status.PROPOSED}
    city.round.refresh_from_db()
    assert city.round.status == PlacementRound.Status.MATCHING
    assert mailoutbox == []


def test_match_and_confirm_refuse_a_base_coordinator_at_the_service(city, coordinator_a, administrator):
    assert refused_code(services.match_round, round=city.round, by=coordinator_a) == "not_allowed"
    services.match_round(round=city.round, by=administrator)
    assert refused_code(services.confirm_round, round=city.round, by=coordinator_a) == "not_allowed"
    assert refused_code(services.reopen_round, round=city.round, by=coordinator_a, preference_deadline=in_days(3)) == (
        "not_allowed"
    )


def test_an_organiser_matches_and_an_administrator_confirms(
    client, city, coordinator_b, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    city.round.organisers.add(coordinator_b)
    client.force_login(coordinator_b)
    client.post(manage_url(city.round, "match/"))
    assert Placement.objects.filter(status=Placement.Status.PROPOSED).count() == 4
    publish_and_close_appeals(city.round, by=coordinator_b)

    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage_url(city.round, "confirm/"))
    assert Placement.objects.filter(status=Placement.Status.CONFIRMED).count() == 4
    city.round.refresh_from_db()
    assert city.round.status == PlacementRound.Status.CONFIRMED


def test_a_round_is_confirmed_only_after_its_proposals_were_open_to_appeal(client, city, coordinator_b, administrator):
    city.round.organisers.add(coordinator_b)
    services.match_round(round=city.round, by=coordinator_b)
    client.force_login(coordinator_b)

    # Not published: refused (an administrator too, without a reason); the page offers publishing.
    for user in (coordinator_b, administrator):
        assert refused_code(services.confirm_round, round=city.round, by=user) == "not_published"
    page = client.get(manage_url(city.round)).content.decode()
    assert 'data-testid="publish"' in page and "/confirm/" not in page

    # Published: refused while trainees may appeal; the page says until when.
    appeals.publish_proposals(round=city.round, by=coordinator_b)
    assert refused_code(services.confirm_round, round=city.round, by=coordinator_b) == "appeal_window"
    page = client.get(manage_url(city.round)).content.decode()
    assert 'data-testid="appeal-note"' in page and "/confirm/" not in page

    # The window closed: confirmed.
    publish_and_close_appeals(city.round, by=coordinator_b)
    assert "/confirm/" in client.get(manage_url(city.round)).content.decode()
    assert services.confirm_round(round=city.round, by=coordinator_b) == 4


def test_base_coordinator_sees_only_their_positions_and_the_people_who_ranked_them(
    client, city, coordinator_a, administrator
):
    services.match_round(round=city.round, by=administrator)
    client.force_login(coordinator_a)

    page = client.get(manage_url(city.round))

    content = page.content.decode()
    assert list(page.context["positions"]) == [city.a_seat]
    assert {p.position_id for p in page.context["placements"]} == {city.a_seat.pk}
    # One of the two who asked for A's single seat is left out, and listed;
    # nobody who chose only B's positions appears, placed or not.
    (unplaced,) = page.context["unplaced"]
    assert unplaced[0] in city.wants_a
    assert unplaced[0].name in content
    assert not any(person.name in content for person in city.only_b)
    assert "run-matching" not in content and "/match/" not in content
    assert "/confirm/" not in content


def test_organiser_sees_the_whole_round(client, city, coordinator_a, administrator):
    services.match_round(round=city.round, by=administrator)
    city.round.organisers.add(coordinator_a)
    publish_and_close_appeals(city.round, by=coordinator_a)
    client.force_login(coordinator_a)

    page = client.get(manage_url(city.round))

    assert len(page.context["positions"]) == 4
    assert len(page.context["placements"]) == 4
    assert len(page.context["unplaced"]) == 4  # one who asked for A, three of the only-B six
    assert "/confirm/" in page.content.decode()


# The session, the user, the user's roles, the rounds the user organises, the
# layout's practitioner and the user's and roles' permissions (3), the rounds,
# their organisers, the unread notifications (user menu).
MANAGE_ROUNDS_QUERIES = 10


def test_manage_rounds_lists_rounds_organised_or_with_an_own_position(
    client, make_round, make_position, base_a, base_b, coordinator_a, django_assert_num_queries
):
    organised = make_round()
    organised.organisers.add(coordinator_a)
    with_position = make_round()
    make_position(with_position, base_a)
    elsewhere = make_round()
    make_position(elsewhere, base_b)
    client.force_login(coordinator_a)

    with django_assert_num_queries(MANAGE_ROUNDS_QUERIES):
        response = client.get("/placements/manage/")

    assert {r.pk for r in response.context["rounds"]} == {organised.pk, with_position.pk}
    assert response.context["organised"] == {organised.pk}


def test_manage_rounds_queries_do_not_grow_with_rounds(client, make_round, administrator, django_assert_num_queries):
    make_round().organisers.add(administrator)
    client.force_login(administrator)
    with django_assert_num_queries(MANAGE_ROUNDS_QUERIES):
        client.get("/placements/manage/")
    for _ in range(5):
        make_round().organisers.add(administrator)
    with django_assert_num_queries(MANAGE_ROUNDS_QUERIES):
        client.get("/placements/manage/")


# A base coordinator's own positions, at the service ----------------------------------


@pytest.fixture
def matched(city, administrator):
    services.match_round(round=city.round, by=administrator)
    on_a = Placement.objects.get(position=city.a_seat)
    on_b = Placement.objects.filter(position=city.b_seats[0]).get()
    return SimpleNamespace(**vars(city), on_a=on_a, on_b=on_b)


def test_add_is_refused_on_another_bases_position(matched, coordinator_a):
    newcomer = PractitionerFactory()
    Placement.objects.filter(position=matched.b_seats[1]).delete()  # a free seat at B
    assert (
        refused_code(services.add_placement, trainee=newcomer, position=matched.b_seats[1], by=coordinator_a)
        == "not_allowed"
    )
    assert not newcomer.placements.exists()


def test_move_is_refused_unless_both_ends_are_the_coordinators(matched, coordinator_a, base_a, make_position):
    second_a_seat = make_position(matched.round, base_a, capacity=2)
    Placement.objects.filter(position=matched.b_seats[1]).delete()
    # Pushing someone of A's onto B's position, or pulling someone off B's.
    assert (
        refused_code(services.move_placement, placement=matched.on_a, position=matched.b_seats[1], by=coordinator_a)
        == "not_allowed"
    )
    assert (
        refused_code(services.move_placement, placement=matched.on_b, position=second_a_seat, by=coordinator_a)
        == "not_allowed"
    )
    services.move_placement(placement=matched.on_a, position=second_a_seat, by=coordinator_a)
    matched.on_a.refresh_from_db()
    matched.on_b.refresh_from_db()
    assert (matched.on_a.position, matched.on_b.position) == (second_a_seat, matched.b_seats[0])


def test_withdraw_and_tutor_are_refused_on_another_bases_placement(matched, coordinator_a):
    tutor = PractitionerFactory()
    assert refused_code(services.withdraw_placement, placement=matched.on_b, by=coordinator_a) == "not_allowed"
    assert refused_code(services.set_tutor, placement=matched.on_b, tutor=tutor, by=coordinator_a) == "not_allowed"
    matched.on_b.refresh_from_db()
    assert (matched.on_b.status, matched.on_b.tutor) == (Placement.Status.PROPOSED, None)
    services.set_tutor(placement=matched.on_a, tutor=tutor, by=coordinator_a)
    services.withdraw_placement(placement=matched.on_a, by=coordinator_a)


def test_an_organiser_manages_every_base_of_the_round(matched, coordinator_a, base_a, make_position):
    matched.round.organisers.add(coordinator_a)
    services.set_tutor(placement=matched.on_b, tutor=PractitionerFactory(), by=coordinator_a)
    services.move_placement(placement=matched.on_b, position=make_position(matched.round, base_a), by=coordinator_a)
    services.withdraw_placement(placement=matched.on_b, by=coordinator_a)
    matched.on_b.refresh_from_db()
    assert matched.on_b.status == Placement.Status.WITHDRAWN


# ... and through the pages


def test_base_coordinator_pages_cannot_touch_another_bases_placement(client, matched, coordinator_a):
    tutor = PractitionerFactory()
    client.force_login(coordinator_a)
    on_b = matched.on_b
    assert client.post(f"/placements/manage/placements/{on_b.pk}/withdraw/").status_code == 404
    assert (
        client.post(f"/placements/manage/placements/{on_b.pk}/tutor/", {"resident_id": tutor.resident_id}).status_code
        == 404
    )
    assert (
        client.post(f"/placements/manage/placements/{on_b.pk}/move/", {"position": matched.a_seat.pk}).status_code
        == 404
    )
    # Their own placement cannot be moved onto B's position either.
    client.post(f"/placements/manage/placements/{matched.on_a.pk}/move/", {"position": matched.b_seats[1].pk})
    client.post(
        manage_url(matched.round, "add/"), {"resident_id": tutor.resident_id, "position": matched.b_seats[1].pk}
    )
    on_b.refresh_from_db()
    matched.on_a.refresh_from_db()
    assert (on_b.status, on_b.tutor, on_b.position) == (Placement.Status.PROPOSED, None, matched.b_seats[0])
    assert matched.on_a.position == matched.a_seat
    assert not tutor.placements.exists()


def test_export_is_scoped_like_the_page(client, matched, coordinator_a, administrator):
    client.force_login(coordinator_a)
    mine = client.get(manage_url(matched.round, "placements.csv")).content.decode("utf-8-sig")
    assert matched.on_a.trainee.name in mine
    assert matched.on_b.trainee.name not in mine
    client.force_login(administrator)
    everything = client.get(manage_url(matched.round, "placements.csv")).content.decode("utf-8-sig")
    assert matched.on_b.trainee.name in everything


def test_round_certificates_are_scoped_like_the_page(client, matched, coordinator_a, administrator, settings, tmp_path):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.MEDIA_ROOT = tmp_path
    serials = {}
    for placement in (matched.on_a, matched.on_b):
        Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.COMPLETED)
        placement.refresh_from_db()
        serials[placement.pk] = certificate_services.issue_for_placement(placement, Decimal(16)).serial
    PlacementRound.objects.filter(pk=matched.round.pk).update(status=PlacementRound.Status.CONFIRMED)

    def zipped(user):
        client.force_login(user)
        response = client.get(reverse("certificates:round-zip", args=[matched.round.pk]))
        return set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())

    assert zipped(coordinator_a) == {f"{serials[matched.on_a.pk]}.pdf"}
    assert zipped(administrator) == {f"{serial}.pdf" for serial in serials.values()}


# The deadline -----------------------------------------------------------------------


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def early(round_a, base_a, make_position, trainee, coordinator_a):
    """A round whose preference deadline is three days away, organised by coordinator A."""
    position = make_position(round_a, base_a)
    services.submit_preferences(trainee=trainee.practitioner, round=round_a, positions=[position])
    round_a.organisers.add(coordinator_a)
    return round_a


def overrides(round):
    return LogEntry.objects.get_for_object(round).filter(action=LogEntry.Action.ACCESS)


def test_matching_before_the_deadline_is_refused_with_the_deadline_named(early, coordinator_a):
    with pytest.raises(services.PlacementRefused) as refusal:
        services.match_round(round=early, by=coordinator_a)
    assert refusal.value.code == "before_deadline"
    deadline = formats.date_format(timezone.localtime(early.preference_deadline), "DATETIME_FORMAT")
    assert deadline in refusal.value.message
    assert not Placement.objects.exists()


def test_an_organiser_who_is_not_an_administrator_cannot_override(early, coordinator_a):
    code = refused_code(services.match_round, round=early, by=coordinator_a, override_reason="街道急需")
    assert code == "before_deadline"
    assert not Placement.objects.exists()
    assert not overrides(early).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_administrator_must_give_a_reason_to_override(early, administrator, reason):
    assert refused_code(services.match_round, round=early, by=administrator, override_reason=reason) == (
        "before_deadline"
    )
    assert not Placement.objects.exists()
    assert not overrides(early).exists()


def test_an_administrators_override_is_matched_confirmed_and_audited(early, administrator):
    services.match_round(round=early, by=administrator, override_reason=" 街道提前开岗 ")
    assert refused_code(services.confirm_round, round=early, by=administrator) == "before_deadline"
    services.confirm_round(round=early, by=administrator, override_reason="名额已定")

    assert Placement.objects.get().status == Placement.Status.CONFIRMED
    entries = overrides(early).order_by("pk")
    # The one reason also covers confirming without an appeal window.
    assert [(e.additional_data["event"], e.additional_data["reason"], e.actor) for e in entries] == [
        ("match_before_deadline", "街道提前开岗", administrator),
        ("confirm_before_deadline", "名额已定", administrator),
        ("confirm_unpublished", "名额已定", administrator),
    ]


def test_after_the_deadline_no_reason_is_needed_and_nothing_is_recorded(early, coordinator_a):
    pass_deadline(early)
    services.match_round(round=early, by=coordinator_a, override_reason="不需要")
    publish_and_close_appeals(early, by=coordinator_a)
    services.confirm_round(round=early, by=coordinator_a)
    assert Placement.objects.get().status == Placement.Status.CONFIRMED
    assert not overrides(early).exists()


def test_round_page_offers_the_override_to_administrators_only(client, early, coordinator_a, administrator):
    client.force_login(coordinator_a)
    organiser_page = client.get(manage_url(early)).content.decode()
    assert 'data-testid="deadline-note"' in organiser_page
    assert 'name="override_reason"' not in organiser_page

    client.force_login(administrator)
    admin_page = client.get(manage_url(early)).content.decode()
    assert 'data-testid="override"' in admin_page
    assert 'name="override_reason"' in admin_page
    assert "data-confirm" in admin_page
    deadline = formats.date_format(timezone.localtime(early.preference_deadline), "DATETIME_FORMAT")
    assert deadline in admin_page


def test_administrator_overrides_from_the_page(client, early, administrator):
    client.force_login(administrator)
    client.post(manage_url(early, "match/"))
    assert not Placement.objects.exists()
    client.post(manage_url(early, "match/"), {"override_reason": "街道提前开岗"})
    assert Placement.objects.get().status == Placement.Status.PROPOSED
    assert overrides(early).get().additional_data["reason"] == "街道提前开岗"


# Reopening --------------------------------------------------------------------------


def test_reopen_discards_proposals_keeps_confirmed_and_collects_again(
    city, administrator, coordinator_b, make_position, base_b
):
    city.round.organisers.add(coordinator_b)
    services.match_round(round=city.round, by=administrator)
    kept = Placement.objects.create(
        trainee=PractitionerFactory(),
        round=city.round,
        position=make_position(city.round, base_b),
        status=Placement.Status.CONFIRMED,
    )
    deadline = in_days(5)

    discarded = services.reopen_round(round=city.round, by=coordinator_b, preference_deadline=deadline)

    assert discarded == 4
    assert list(Placement.objects.all()) == [kept]
    city.round.refresh_from_db()
    assert (city.round.status, city.round.preference_deadline) == (PlacementRound.Status.COLLECTING, deadline)
    assert city.round.accepts_preferences()
    assert Preference.objects.filter(round=city.round).count() == 2 + 1 + 6 * 3  # trainees keep their choices


def test_reopen_needs_a_future_deadline_and_a_round_being_matched(city, administrator):
    assert (
        refused_code(services.reopen_round, round=city.round, by=administrator, preference_deadline=in_days(3))
        == "status"
    )
    services.match_round(round=city.round, by=administrator)
    assert (
        refused_code(services.reopen_round, round=city.round, by=administrator, preference_deadline=in_days(-1))
        == "deadline_past"
    )


def test_organiser_reopens_from_the_page(client, city, coordinator_a, administrator):
    services.match_round(round=city.round, by=administrator)
    city.round.organisers.add(coordinator_a)
    client.force_login(coordinator_a)
    page = client.get(manage_url(city.round)).content.decode()
    assert "/reopen/" in page
    deadline = timezone.localtime(in_days(4)).replace(second=0, microsecond=0)

    client.post(manage_url(city.round, "reopen/"), {"preference_deadline": deadline.strftime("%Y-%m-%dT%H:%M")})

    city.round.refresh_from_db()
    assert city.round.status == PlacementRound.Status.COLLECTING
    assert city.round.preference_deadline == deadline
    assert not Placement.objects.exists()
