import datetime

import pytest
from django.core.exceptions import ValidationError

from talent import resident_id
from talent.fields import normalize_mobile, validate_mobile
from talent.models import Practitioner
from tests.factories import valid_resident_id

# A real-format number: area 110105, born 1949-12-31, sequence 001, check X.
VALID_WITH_X = "11010519491231002X"


def error_code(value):
    with pytest.raises(ValidationError) as raised:
        resident_id.validate(value)
    return raised.value.code


def test_valid_ids_pass():
    resident_id.validate(VALID_WITH_X)
    resident_id.validate(valid_resident_id(7))


def test_wrong_check_digit_is_refused():
    wrong = VALID_WITH_X[:-1] + "1"
    assert error_code(wrong) == "resident_id_check_digit"


def test_impossible_birth_date_is_refused():
    first_17 = "23060219900230123"  # 30 February
    assert error_code(first_17 + resident_id.check_character(first_17)) == "resident_id_birth_date"


def test_future_birth_date_is_refused():
    next_year = datetime.date.today().year + 1
    first_17 = f"230602{next_year}0101123"
    assert error_code(first_17 + resident_id.check_character(first_17)) == "resident_id_birth_date"


def test_wrong_length_and_characters_are_refused():
    assert error_code("23060219900101") == "resident_id_length"
    assert error_code("2306021990010112AB") == "resident_id_characters"


def test_lowercase_x_and_spaces_are_normalised_then_accepted():
    typed = " 110105 19491231 002x "
    assert resident_id.normalize(typed) == VALID_WITH_X
    resident_id.validate(typed)


def test_birth_date_and_sex_are_read_from_the_id():
    practitioner = Practitioner(resident_id=VALID_WITH_X)
    assert practitioner.birth_date == datetime.date(1949, 12, 31)
    assert str(practitioner.sex) == "女"  # sequence 002: even
    assert resident_id.is_male(valid_resident_id(1))


def test_masking_keeps_area_code_and_last_four():
    assert resident_id.mask(VALID_WITH_X) == "110105********002X"


def test_model_full_clean_normalises_lowercase_x(db):
    practitioner = Practitioner(name="赵六", resident_id=VALID_WITH_X.lower())
    practitioner.full_clean()
    assert practitioner.resident_id == VALID_WITH_X


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "+86 139-1234-5678", "8613912345678"])
def test_mobile_numbers_are_normalised(typed):
    assert normalize_mobile(typed) == "13912345678"
    validate_mobile(typed)


@pytest.mark.parametrize("typed", ["12912345678", "1391234567", "0451-1234567", "abc"])
def test_bad_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as raised:
        validate_mobile(typed)
    assert raised.value.code == "invalid_mobile"
