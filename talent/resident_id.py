"""Mainland China resident ID numbers (居民身份证号码, GB 11643-1999).

Eighteen characters: a six-digit area code, the birth date as YYYYMMDD, a
three-digit sequence whose last digit is odd for men and even for women, and an
ISO 7064 MOD 11-2 check character (0-9 or X).
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalize(value: str) -> str:
    """The ID however a form or spreadsheet holds it: full-width digits and
    letters (as Chinese input methods type them) made plain, spaces of any
    width and hyphens removed, a trailing x upper-cased."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]+", "", value).upper()


def check_character(first_17: str) -> str:
    return _CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17, _WEIGHTS, strict=True)) % 11]


def is_well_formed(value: str) -> bool:
    """Eighteen characters of the right kinds; says nothing about the date or check character."""
    return bool(_SHAPE.match(value or ""))


def birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def is_male(value: str) -> bool:
    return int(value[16]) % 2 == 1


def validate(value: str) -> None:
    value = normalize(value)
    if len(value) != 18:
        raise ValidationError(
            _("A resident ID has 18 characters; this one has %(length)d."),
            code="resident_id_length",
            params={"length": len(value)},
        )
    if not is_well_formed(value):
        raise ValidationError(
            _("A resident ID is 17 digits followed by a digit or X."),
            code="resident_id_characters",
        )
    born = birth_date(value)
    if born is None or born.year < 1900 or born > datetime.date.today():
        raise ValidationError(
            _("The birth date in this resident ID (%(digits)s) is not a real date."),
            code="resident_id_birth_date",
            params={"digits": value[6:14]},
        )
    if value[17] != check_character(value[:17]):
        raise ValidationError(
            _("The check digit of this resident ID does not match the other digits; one of them is probably mistyped."),
            code="resident_id_check_digit",
        )


def mask(value: str) -> str:
    """230602199001011234 → 230602********1234: area code and last four only."""
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[14:]}"
