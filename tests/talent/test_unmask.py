"""Full resident IDs: masked on every page, shown to an administrator who
states a purpose, recorded, and visible to the person as who looked when."""

import pytest
from auditlog.models import LogEntry

from talent import services
from talent.models import Practitioner
from tests.factories import PractitionerFactory

PURPOSE = {"purpose": "verify_identity", "details": "社保局来函核实身份（2026第12号）"}


def unmask(client, practitioner, data=PURPOSE):
    return client.post(f"/talent/{practitioner.pk}/unmask/", data)


def looks_at(practitioner):
    return LogEntry.objects.filter(object_id=practitioner.pk, additional_data__event="unmask_resident_id")


def test_the_person_page_offers_administrators_the_unmask_form_with_the_id_masked(client, administrator, trainee):
    person = trainee.practitioner
    client.force_login(administrator)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.resident_id not in page
    assert person.masked_resident_id in page
    assert f'action="/talent/{person.pk}/unmask/"' in page


def test_unmasking_shows_the_full_id_once_and_records_who_whose_when_why(client, administrator, trainee):
    person = trainee.practitioner
    client.force_login(administrator)
    response = unmask(client, person)
    assert response.status_code == 200
    page = response.content.decode()
    assert person.resident_id in page
    assert "no-store" in response.headers["Cache-Control"]
    (entry,) = looks_at(person)
    assert entry.actor == administrator
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.content_type.model == "practitioner"
    assert entry.additional_data["purpose"] == "verify_identity"
    assert "社保局来函核实身份（2026第12号）" in entry.additional_data["reason"]
    # Coming back to the page, it is masked again.
    assert person.resident_id not in client.get(person.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"purpose": "verify_identity", "details": "  "},
        {"details": "核实"},
        {"purpose": "curiosity", "details": "看看"},
    ],
    ids=["nothing", "blank-details", "no-purpose", "unknown-purpose"],
)
def test_unmasking_needs_a_purpose_and_details(client, administrator, trainee, data):
    person = trainee.practitioner
    client.force_login(administrator)
    response = unmask(client, person, data)
    assert response.status_code == 400
    assert person.resident_id not in response.content.decode()
    assert response.context["unmask_form"].errors
    assert not looks_at(person).exists()


def test_a_coordinator_cannot_unmask(client, coordinator_a, trainee):
    person = trainee.practitioner
    client.force_login(coordinator_a)
    assert client.get(person.get_absolute_url()).status_code == 200  # the person is theirs to see
    assert "/unmask/" not in client.get(person.get_absolute_url()).content.decode()
    response = unmask(client, person)
    assert response.status_code == 403
    assert person.resident_id not in response.content.decode()
    assert not looks_at(person).exists()


def test_a_trainee_cannot_unmask_even_their_own_and_nobody_outside_their_scope(client, trainee, other_trainee):
    client.force_login(trainee)
    assert unmask(client, trainee.practitioner).status_code == 403
    assert unmask(client, other_trainee.practitioner).status_code == 404
    assert not LogEntry.objects.filter(additional_data__event="unmask_resident_id").exists()


def test_the_service_refuses_a_coordinator_whatever_the_view(coordinator_a, trainee):
    with pytest.raises(services.UnmaskRefused) as refusal:
        services.reveal_resident_id(
            practitioner=trainee.practitioner, viewer=coordinator_a, purpose="verify_identity", details="核实"
        )
    assert refusal.value.code == "not_allowed"


def test_unmasking_is_post_only(client, administrator, trainee):
    client.force_login(administrator)
    assert client.get(f"/talent/{trainee.practitioner.pk}/unmask/").status_code == 405


def test_the_person_sees_how_many_times_and_by_whom_their_id_was_viewed(client, administrator, trainee):
    client.force_login(trainee)
    response = client.get("/talent/me/")
    assert 'data-testid="resident-id-views"' in response.content.decode()
    assert (response.context["id_view_count"], response.context["id_views"]) == (0, [])

    client.force_login(administrator)
    unmask(client, trainee.practitioner)
    unmask(client, trainee.practitioner, {"purpose": "correct_record", "details": "更正出生日期"})

    client.force_login(trainee)
    response = client.get("/talent/me/")
    assert response.context["id_view_count"] == 2
    views = response.context["id_views"]
    assert [(view.viewer, view.role) for view in views] == [(administrator.get_full_name(), "管理员")] * 2
    section = response.content.decode()
    section = section[section.index('data-testid="resident-id-views"') :]
    assert administrator.get_full_name() in section and "管理员" in section
    assert views[0].when.strftime("%Y-%m-%d") in section


def test_another_persons_looks_are_not_on_my_profile(client, administrator, trainee, other_trainee):
    client.force_login(administrator)
    unmask(client, other_trainee.practitioner)
    client.force_login(trainee)
    assert client.get("/talent/me/").context["id_view_count"] == 0


def test_administrators_still_search_the_registry_by_a_full_id(client, administrator, trainee, other_trainee):
    client.force_login(administrator)
    response = client.get("/talent/", {"q": trainee.practitioner.resident_id})
    assert [p.name for p in response.context["page"]] == ["李学员"]
    page = response.content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]  # the search box echoes what was typed
    assert trainee.practitioner.resident_id not in rows and trainee.practitioner.masked_resident_id in rows


def test_exports_stay_in_full_for_administrators_only(client, administrator, coordinator_a, trainee):
    person = trainee.practitioner
    client.force_login(administrator)
    assert person.resident_id in client.get("/talent/export.csv").content.decode("utf-8-sig")
    client.force_login(coordinator_a)
    content = client.get("/talent/export.csv").content.decode("utf-8-sig")
    assert person.resident_id not in content and person.masked_resident_id in content


def test_the_model_masks_for_pages_and_exports_in_full_for_administrators(administrator, coordinator_a, db):
    person = PractitionerFactory()
    assert person.resident_id_for(administrator) == person.masked_resident_id
    assert person.exported_resident_id_for(administrator) == person.resident_id
    assert person.exported_resident_id_for(coordinator_a) == person.masked_resident_id
    assert Practitioner.objects.get(pk=person.pk).resident_id == person.resident_id
