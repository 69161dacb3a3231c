from talent.models import Practitioner
from tests.factories import OrganizationFactory, valid_resident_id


def test_admin_lists_and_searches_practitioners(client, administrator, trainee):
    client.force_login(administrator)
    response = client.get("/admin/talent/practitioner/", {"q": "李学员"})
    assert response.status_code == 200
    assert trainee.practitioner.resident_id in response.content.decode()


def test_admin_validates_the_resident_id(client, administrator):
    client.force_login(administrator)
    bad = valid_resident_id(5)[:-1] + ("1" if valid_resident_id(5)[-1] != "1" else "2")
    response = client.post(
        "/admin/talent/practitioner/add/",
        {"name": "周测试", "resident_id": bad, "kind": "volunteer", "qualification_level": "none", "status": "active"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["resident_id"][0].code == "resident_id_check_digit"
    assert not Practitioner.objects.exists()


def test_admin_saves_a_normalised_record(client, administrator):
    client.force_login(administrator)
    organization = OrganizationFactory()
    number = "11010519491231002X"
    response = client.post(
        "/admin/talent/practitioner/add/",
        {
            "name": "周测试",
            "resident_id": number.lower(),
            "mobile": "139 0000 1111",
            "organization": organization.pk,
            "kind": "volunteer",
            "qualification_level": "none",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    practitioner = Practitioner.objects.get()
    assert (practitioner.resident_id, practitioner.mobile) == (number, "13900001111")


def test_coordinators_have_no_admin(client, coordinator_a):
    client.force_login(coordinator_a)
    assert client.get("/admin/").status_code == 302
