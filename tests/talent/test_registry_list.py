import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talent.models import Organization, Specialty
from tests.factories import OrganizationFactory, PractitionerFactory, valid_resident_id


@pytest.fixture
def registry(db, base_a, base_b):
    agency = OrganizationFactory(name="阳光社工服务中心")
    school = OrganizationFactory(name="东北石油大学", kind=Organization.Kind.SCHOOL)
    return {
        "wang": PractitionerFactory(
            name="王芳",
            mobile="13800000001",
            organization=agency,
            qualification_level="intermediate",
            qualification_certificate_number="ZG1",
            sub_district=base_a.sub_district,
            specialties=["elderly"],
            resident_id=valid_resident_id(123),
        ),
        "li": PractitionerFactory(
            name="李强",
            mobile="13800000002",
            organization=school,
            kind="student",
            sub_district=base_b.sub_district,
            specialties=["youth", "family"],
            resident_id=valid_resident_id(456),
        ),
        "zhao": PractitionerFactory(name="赵敏", mobile="13800000003", status="left", specialties=["elderly"]),
    }


def names(client, **params):
    response = client.get("/talent/", params)
    assert response.status_code == 200
    return sorted(p.name for p in response.context["page"])


def test_search_by_name_phone_and_organization(client, administrator, registry):
    client.force_login(administrator)
    assert names(client, q="王") == ["王芳"]
    assert names(client, q="13800000002") == ["李强"]
    assert names(client, q="石油") == ["李强"]


def test_search_by_last_digits_of_id(client, administrator, registry):
    client.force_login(administrator)
    last_four = registry["li"].resident_id[-4:]
    assert names(client, q=last_four) == ["李强"]


def test_coordinators_can_search_only_the_shown_last_four_id_characters(client, coordinator_a, registry):
    client.force_login(coordinator_a)
    wang = registry["wang"]
    assert names(client, q=wang.resident_id[-4:]) == ["王芳"]
    # A longer tail would let them probe the masked digits.
    assert names(client, q=wang.resident_id[-8:]) == []


def test_filters(client, administrator, registry, base_a):
    client.force_login(administrator)
    assert names(client, kind="student") == ["李强"]
    assert names(client, qualification_level="intermediate") == ["王芳"]
    assert names(client, sub_district=base_a.sub_district.pk) == ["王芳"]
    assert names(client, organization=registry["li"].organization_id) == ["李强"]
    assert names(client, specialty="elderly") == ["王芳", "赵敏"]
    assert names(client, specialty="elderly", status="active") == ["王芳"]


def test_invalid_filter_value_shows_everyone_with_the_error(client, administrator, registry):
    client.force_login(administrator)
    response = client.get("/talent/", {"kind": "astronaut"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]


def test_list_is_paginated(client, administrator, settings, db):
    settings.REGISTRY_PAGE_SIZE = 5
    PractitionerFactory.create_batch(12)
    client.force_login(administrator)
    response = client.get("/talent/", {"page": 3})
    assert len(response.context["page"]) == 2
    assert response.context["page"].number == 3
    # Out-of-range pages show the last page rather than an error.
    assert client.get("/talent/", {"page": 99}).context["page"].number == 3


def test_query_count_does_not_grow_with_rows(client, administrator, db):
    specialties = list(Specialty.objects.all()[:2])
    client.force_login(administrator)

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/talent/").status_code == 200
        return len(queries)

    organization = OrganizationFactory()
    for practitioner in PractitionerFactory.create_batch(3, organization=organization):
        practitioner.specialties.set(specialties)
    few = queries_for_list()
    for practitioner in PractitionerFactory.create_batch(60, organization=OrganizationFactory()):
        practitioner.specialties.set(specialties)
    # Session, user, the user's roles, their authenticator app (administrators
    # must have one), permissions (own and groups'), count, the page's ids
    # and then its rows (talent.paging), one each for sub-districts,
    # organizations and specialties, and the unread notifications of the user menu.
    assert queries_for_list() == few == 14
