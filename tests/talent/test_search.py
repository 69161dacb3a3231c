"""Registry search (talent/search.py): on PostgreSQL through the name-gram,
mobile-trigram and reversed-ID indexes, on SQLite through LIKE; the same
people either way."""

import pytest

from talent.models import Practitioner
from tests.factories import OrganizationFactory, PractitionerFactory, valid_resident_id

pytestmark = pytest.mark.django_db

NAMES = ["王建国", "李建华", "张国建", "欧阳建国", "阿依古丽·买买提", "Ayşe", "建", "赵四"]


@pytest.fixture
def people():
    agency = OrganizationFactory(name="建国社会工作服务中心")
    made = {
        name: PractitionerFactory(name=name, resident_id=valid_resident_id(n), mobile=f"1391234{n:04d}")
        for n, name in enumerate(NAMES)
    }
    made["机构人员"] = PractitionerFactory(name="钱多多", organization=agency)
    return made


def found(text, *, full_id=False):
    return set(Practitioner.objects.search(text, full_id=full_id).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("建国", {"王建国", "欧阳建国", "钱多多"}),  # two characters inside names, and the organization's name
        ("国建", {"张国建"}),
        ("建", {"王建国", "李建华", "张国建", "欧阳建国", "建", "钱多多"}),  # one character
        ("欧阳建国", {"欧阳建国"}),  # four: every pair must be there, in order
        ("阳国", set()),  # the pairs exist apart, not together
        ("古丽·买", {"阿依古丽·买买提"}),
        ("古丽\u30fb买", {"阿依古丽·买买提"}),  # a look-alike dot (katakana) is normalised
        ("ayşe", {"Ayşe"}),  # any case
        ("  赵四 ", {"赵四"}),
    ],
)
def test_name_fragments(people, text, names):
    assert found(text) == names


def test_last_id_characters_and_mobile(people):
    person = people["李建华"]
    assert found(person.resident_id[-4:]) == {"李建华"}
    assert found(person.resident_id[-4:].lower()) == {"李建华"}
    # More than four characters of a masked ID find nothing by the ID...
    assert found(person.resident_id[-6:]) == set()
    # ...but an administrator, who sees full IDs, may type more.
    assert found(person.resident_id[-6:], full_id=True) == {"李建华"}
    assert found(person.mobile[-5:]) == {"李建华"}
    assert found("13912340") == set(NAMES)


def test_empty_search_is_everyone(people):
    assert Practitioner.objects.search("  ").count() == Practitioner.objects.count()


def test_search_results_come_in_name_order(people):
    names = list(Practitioner.objects.search("建").values_list("name", flat=True))
    assert names == sorted(names)
