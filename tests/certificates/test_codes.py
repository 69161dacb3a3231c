import re

import pytest

from certificates import codes


def test_a_new_code_is_26_symbols_of_crockfords_alphabet():
    code = codes.new_code()

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", code)
    assert not set("ILOU") & set(code)


def test_new_codes_differ_and_use_the_whole_alphabet():
    many = [codes.new_code() for _ in range(200)]

    assert len(set(many)) == 200
    assert set("".join(many)) == set(codes.ALPHABET)


def test_a_code_is_printed_in_groups_of_four():
    assert codes.grouped("7KQ4M2XDAB3CDEFGH0JKMNPQRS") == "7KQ4 M2XD AB3C DEFG H0JK MNPQ RS"


def test_an_older_code_is_printed_as_it_is():
    assert codes.grouped("Ab-_cdEFGhijKLMNOpqrsT") == "Ab-_cdEFGhijKLMNOpqrsT"


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ4 M2XD AB3C DEFG H0JK MNPQ RS",
        "7kq4m2xdab3cdefgh0jkmnpqrs",
        "  7KQ4-M2XD-AB3C-DEFG-H0JK-MNPQ-RS ",
        "7KQ4 M2XD AB3C DEFG HOJK MNPQ RS",  # O for 0
        "７ＫＱ４　Ｍ２ＸＤ　ＡＢ３Ｃ　ＤＥＦＧ　Ｈ０ＪＫ　ＭＮＰＱ　ＲＳ",  # full-width, from an input method
    ],
)
def test_what_people_type_is_read_as_the_printed_code(typed):
    assert codes.normalize(typed) == "7KQ4M2XDAB3CDEFGH0JKMNPQRS"


def test_i_and_l_are_read_as_one():
    assert codes.normalize("i1L1 0000 0000 0000 0000 0000 00") == "11110000000000000000000000"


@pytest.mark.parametrize(
    "typed", ["7KQ4 M2XD", "7KQ4 M2XD AB3C DEFG H0JK MNPQ RSU", "UUUU UUUU UUUU UUUU UUUU UUUU UU", ""]
)
def test_text_that_cannot_be_a_code_is_none(typed):
    assert codes.normalize(typed) is None


def test_an_older_code_is_looked_up_exactly_as_typed():
    assert codes.candidates(" Ab-_cdEFGhijKLMNOpqrsT ") == ["Ab-_cdEFGhijKLMNOpqrsT"]
    assert codes.candidates("not a code!") == []
