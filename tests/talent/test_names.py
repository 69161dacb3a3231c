"""Names on every path: letters of any script, the middle dot, spaces; nothing
that prints differently from how it reads (talent/names.py)."""

import pytest
from django.core.exceptions import ValidationError

from talent.models import Practitioner, User
from talent.names import normalize_name, validate_name
from tests.factories import PractitionerFactory, valid_resident_id
from tests.importing import csv_file, problems_of, run
from tests.talent.test_signup import signup

ACCEPTED = [
    "阿依古丽·买买提",
    "𪚥",  # CJK Extension B
    "王𠮷",
    "\U00031350",  # CJK Extension H, newer than Python's Unicode tables
    "José Martínez",
    "Nguyễn Văn An",
    "e\u0301mile",  # a combining accent after its letter
    "Σωκράτης",
    "ธนพล",
    "مُحَمَّد",
    "Шевченко",
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_letters_of_any_script_are_accepted(name):
    validate_name(name)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("阿依古丽・买买提", "阿依古丽·买买提"),  # U+30FB, the katakana dot of Chinese input methods
        ("阿依古丽‧买买提", "阿依古丽·买买提"),  # U+2027
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # U+2022
        ("阿依古丽．买买提", "阿依古丽·买买提"),  # U+FF0E
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("  José \u3000 Martínez\t", "José Martínez"),
        ("e\u0301mile", "émile"),  # NFC
    ],
)
def test_look_alike_dots_spaces_and_composition_are_normalised(typed, kept):
    assert normalize_name(typed) == kept
    validate_name(typed)


@pytest.mark.parametrize(
    ("name", "code", "named"),
    [
        ("张三\u202e", "name_invisible", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("张\u200b三", "name_invisible", "U+200B ZERO WIDTH SPACE"),
        ("张\u2066三\u2069", "name_invisible", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("张\x07三", "name_invisible", "U+0007"),
        ("张三😀", "name_symbol", "😀"),
        ("张三3", "name_digit", "3"),
        ("张三.", "name_punctuation", "U+002E FULL STOP"),
        ("=HYPERLINK(1)", "name_symbol", "="),
        ("张\ue000", "name_private_use", "U+E000"),
        ("\u0301张", "name_mark", "U+0301"),
        ("·张三", "name_dot_position", "·张三"),
        ("张··三", "name_dot_position", "张··三"),
    ],
)
def test_refusals_name_the_offending_character(name, code, named):
    with pytest.raises(ValidationError) as refused:
        validate_name(name)
    assert refused.value.error_list[0].code == code
    assert named in refused.value.messages[0]


def test_the_model_field_refuses_a_bidi_override(db):
    person = PractitionerFactory.build(name="李\u202e四")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert refused.value.error_dict["name"][0].code == "name_invisible"


def test_the_model_keeps_the_normalised_name(db):
    person = PractitionerFactory.build(name="阿依古丽・买买提 ")
    person.full_clean()
    assert person.name == "阿依古丽·买买提"


ADMIN_FORM = {"kind": "volunteer", "qualification_level": "none", "status": "active", "preferred_language": "zh-hans"}


def test_the_admin_refuses_a_bidi_override_and_names_it(client, administrator):
    client.force_login(administrator)
    data = {**ADMIN_FORM, "name": "周\u202e测试", "resident_id": valid_resident_id(5)}
    response = client.post("/admin/talent/practitioner/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["name"]
    assert errors[0].code == "name_invisible"
    assert "U+202E" in response.content.decode()
    assert not Practitioner.objects.exists()


def test_the_admin_refuses_to_save_a_stored_bidi_override_until_it_is_mended(client, administrator):
    person = PractitionerFactory(name="阿依古丽·买买提")
    # Stored before names were validated.
    Practitioner.objects.filter(pk=person.pk).update(name="阿依古丽\u202e·买买提")
    client.force_login(administrator)
    url = f"/admin/talent/practitioner/{person.pk}/change/"
    data = {**ADMIN_FORM, "resident_id": person.resident_id, "mobile": person.mobile, "kind": person.kind}
    response = client.post(url, {**data, "name": "阿依古丽\u202e·买买提"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["name"][0].code == "name_invisible"
    response = client.post(url, {**data, "name": "阿依古丽・买买提"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "阿依古丽·买买提"


def test_sign_up_refuses_emoji_and_keeps_a_minority_name_with_its_dot(client, db):
    response = signup(client, name="陈新人😀")
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["name"][0].code == "name_symbol"
    assert not User.objects.exists()

    response = signup(client, name="阿依古丽・买买提")
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.practitioner.name == "阿依古丽·买买提"
    assert user.display_name == "阿依古丽·买买提"


def test_sign_up_finds_the_imported_record_whichever_dot_was_typed(client, db):
    imported = PractitionerFactory(name="阿依古丽·买买提", resident_id=valid_resident_id(321))
    response = signup(client, name="阿依古丽•买买提")
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.user.email == "new@example.com"


def test_an_import_refuses_a_bidi_override_and_normalises_the_dot(administrator, db):
    rows = [["阿依古丽・买买提", valid_resident_id(1)], ["李‮四", valid_resident_id(2)]]
    outcome = run("practitioners", csv_file(["name", "resident_id"], rows), administrator)
    assert problems_of(outcome) == [(2, "name")]
    assert "U+202E" in outcome.problems[0].message
    assert not Practitioner.objects.exists()

    outcome = run("practitioners", csv_file(["name", "resident_id"], rows[:1]), administrator)
    assert outcome.ok, outcome.problems
    assert Practitioner.objects.get().name == "阿依古丽·买买提"


def test_registry_search_finds_a_name_typed_with_a_look_alike_dot(client, administrator):
    PractitionerFactory(name="阿依古丽·买买提")
    client.force_login(administrator)
    response = client.get("/talent/", {"q": "古丽・买买"})
    assert [p.name for p in response.context["page"]] == ["阿依古丽·买买提"]
