from talent.models import Practitioner
from tests.factories import OrganizationFactory, valid_resident_id


def test_admin_lists_and_searches_practitioners(client, administrator, trainee):
    client.force_login(administrator)
    response = client.get("/admin/talent/practitioner/", {"q": "李学员"})
    assert response.status_code == 200
    # Listed masked, as every page shows it; still found by the full ID.
    content = response.content.decode()
    assert trainee.practitioner.masked_resident_id in content
    assert trainee.practitioner.resident_id not in content
    found = client.get("/admin/talent/practitioner/", {"q": trainee.practitioner.resident_id})
    assert list(found.context["cl"].result_list) == [trainee.practitioner]


def change_form_data(response) -> dict:
    data = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        if isinstance(value, list):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = value
    return data


def test_the_change_form_never_shows_the_full_id_and_keeps_it_unless_a_new_one_is_typed(client, administrator, trainee):
    person = trainee.practitioner
    stored = person.resident_id
    url = f"/admin/talent/practitioner/{person.pk}/change/"
    client.force_login(administrator)
    page = client.get(url)
    assert stored not in page.content.decode()
    assert person.masked_resident_id in page.content.decode()

    # Saved with the field left empty: the ID stays.
    response = client.post(url, change_form_data(page) | {"job_title": "社工"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.resident_id, person.job_title) == (stored, "社工")

    # A wrong new ID is refused; a right one replaces it.
    bad = valid_resident_id(77)[:-1] + ("1" if valid_resident_id(77)[-1] != "1" else "2")
    response = client.post(url, change_form_data(page) | {"resident_id": bad})
    assert response.context["adminform"].form.errors.as_data()["resident_id"][0].code == "resident_id_check_digit"
    response = client.post(url, change_form_data(page) | {"resident_id": valid_resident_id(77)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.resident_id == valid_resident_id(77)


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
