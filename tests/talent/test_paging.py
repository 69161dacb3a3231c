"""Registry pages that read their ids first and their rows by id (talent.paging)
list exactly what the plain pages listed: the same people, in the same
order, each once, for coordinators too, and searches counted from their ids."""

import pytest

from talent.models import Practitioner
from talent.paging import CappedPaginator, SearchPaginator
from talent.roles import Role
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
    TrainingBaseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAMES = ["王建国", "李建华", "张国建", "欧阳建国", "建", "赵四", "钱建", "孙建平", "周建", "吴晓东", "郑建"]


def names_of(page):
    return [person.name for person in page.object_list]


@pytest.mark.parametrize("orphans", [0, 2])
def test_pages_read_by_id_are_the_plain_pages(orphans):
    for name in NAMES:
        PractitionerFactory(name=name)
    people = Practitioner.objects.order_by("name", "pk")
    plain = CappedPaginator(people, 3, orphans=orphans)
    by_id = CappedPaginator(people, 3, orphans=orphans, rows=Practitioner.objects.select_related("organization"))
    assert by_id.num_pages == plain.num_pages > 1
    for number in plain.page_range:
        assert names_of(by_id.page(number)) == names_of(plain.page(number))
    assert sum(len(by_id.page(n)) for n in by_id.page_range) == len(NAMES)


def test_a_search_is_counted_from_its_ids_and_capped():
    for name in NAMES:
        PractitionerFactory(name=name)
    found = Practitioner.objects.search("建").order_by("name", "pk")
    expected = list(found.values_list("name", flat=True))
    assert len(expected) == 9

    whole = SearchPaginator(found, 4, rows=Practitioner.objects.all())
    assert (whole.count, whole.capped, whole.num_pages) == (9, False, 3)
    assert [name for n in whole.page_range for name in names_of(whole.page(n))] == expected

    capped = SearchPaginator(found, 4, rows=Practitioner.objects.all(), cap=5)
    assert (capped.count, capped.capped, capped.num_pages) == (5, True, 2)
    assert names_of(capped.page(2)) == [expected[4]]


@pytest.fixture
def coordinator():
    """A coordinator of a training base where some of NAMES enrolled; the rest are strangers."""
    user = UserFactory(role=Role.COORDINATOR)
    base = TrainingBaseFactory()
    base.coordinators.add(user)
    session = CourseSessionFactory(course=CourseFactory(base=base))
    for n, name in enumerate(NAMES):
        person = PractitionerFactory(name=name)
        if n % 3:
            # Enrolled twice (cancelled, then again): still listed once.
            EnrollmentFactory(session=session, trainee=person)
            EnrollmentFactory(session=CourseSessionFactory(course=CourseFactory(base=base)), trainee=person)
    return user


@pytest.mark.parametrize("query", ["", "建"])
def test_a_coordinator_walks_every_page_of_their_scope_once(client, coordinator, settings, query):
    settings.REGISTRY_PAGE_SIZE = 2
    tied = [name for n, name in enumerate(NAMES) if n % 3 and (not query or query in name)]
    client.force_login(coordinator)
    first = client.get("/talent/", {"q": query}).context["page"]
    assert first.paginator.count == len(tied)
    listed = []
    for number in first.paginator.page_range:
        page = client.get("/talent/", {"q": query, "page": number}).context["page"]
        assert len(page.object_list) <= 2
        listed += names_of(page)
    assert sorted(listed) == sorted(tied)
    assert len(listed) == len(set(listed))
    # In the order of the plain query, page after page.
    assert listed == list(
        Practitioner.objects.visible_to(coordinator).search(query).filter(name__in=tied).values_list("name", flat=True)
    )


def test_a_search_beyond_the_cap_says_so(client, coordinator, settings):
    settings.LIST_COUNT_CAP = 2
    client.force_login(coordinator)
    response = client.get("/talent/", {"q": "建"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.capped
    assert b"More than 2 practitioners" in response.content
