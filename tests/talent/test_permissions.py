"""Every registry page for every role: anonymous → sign-in, trainee → own record
only, coordinator → their bases, administrator → everything."""

import pytest
from django.urls import reverse

from talent.models import Practitioner
from tests.factories import PractitionerFactory


@pytest.fixture
def outsider(db, base_b):
    """Someone in base B's sub-district: visible to coordinator B, not A."""
    return PractitionerFactory(name="孙外人", sub_district=base_b.sub_district)


@pytest.mark.parametrize("url", ["/talent/", "/talent/me/", "/talent/1/"], ids=["list", "me", "detail"])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_trainee_cannot_open_the_registry_list(client, trainee):
    client.force_login(trainee)
    assert client.get("/talent/").status_code == 403


def test_trainee_sees_own_record(client, trainee):
    client.force_login(trainee)
    response = client.get(trainee.practitioner.get_absolute_url())
    assert response.status_code == 200
    assert "李学员" in response.content.decode()


def test_trainee_gets_404_for_anyone_else(client, trainee, other_trainee, outsider):
    client.force_login(trainee)
    assert client.get(other_trainee.practitioner.get_absolute_url()).status_code == 404
    assert client.get(outsider.get_absolute_url()).status_code == 404


def test_coordinator_sees_only_their_bases(client, coordinator_a, trainee, outsider):
    client.force_login(coordinator_a)
    response = client.get("/talent/")
    names = [p.name for p in response.context["page"]]
    assert names == ["李学员"]
    assert client.get(trainee.practitioner.get_absolute_url()).status_code == 200
    assert client.get(outsider.get_absolute_url()).status_code == 404


def test_other_coordinator_sees_the_other_base(client, coordinator_b, trainee, outsider, other_trainee):
    client.force_login(coordinator_b)
    names = {p.name for p in client.get("/talent/").context["page"]}
    assert names == {"孙外人", "王学员"}
    assert client.get(trainee.practitioner.get_absolute_url()).status_code == 404


def test_coordinator_without_bases_sees_nobody(client, coordinator_a, trainee, outsider):
    coordinator_a.coordinated_practice_bases.clear()
    client.force_login(coordinator_a)
    response = client.get("/talent/")
    assert list(response.context["page"]) == []
    assert "没有符合筛选条件" in response.content.decode()


def test_administrator_sees_everyone(client, administrator, trainee, other_trainee, outsider):
    client.force_login(administrator)
    response = client.get("/talent/")
    assert response.context["page"].paginator.count == Practitioner.objects.count() == 3
    assert client.get(outsider.get_absolute_url()).status_code == 200


def test_ids_are_masked_on_pages_for_everyone_administrators_included(client, coordinator_a, administrator, trainee):
    full_id = trainee.practitioner.resident_id
    for user in (coordinator_a, administrator):
        client.force_login(user)
        page = client.get("/talent/").content.decode()
        assert full_id not in page
        assert trainee.practitioner.masked_resident_id in page
        detail = client.get(trainee.practitioner.get_absolute_url()).content.decode()
        assert full_id not in detail
        assert trainee.practitioner.masked_resident_id in detail


def test_trainee_sees_own_id_masked(client, trainee):
    client.force_login(trainee)
    page = client.get("/talent/me/").content.decode()
    assert trainee.practitioner.resident_id not in page
    assert trainee.practitioner.masked_resident_id in page
