"""People's names as the registry keeps them, whatever path they come by (the
sign-up form, the admin, a roster import).

A name is letters of any script (Unicode categories L*), combining marks after
a letter (M*: accents, Indic vowel signs), the middle dot that joins the parts
of many minority names (阿依古丽·买买提, U+00B7) and single spaces. Anything
else is refused with a message naming the character: digits, emoji and other
symbols, punctuation, and above all the invisible characters (control and
format characters, bidirectional overrides) that make a name print differently
from how it reads on screen — a name stored with U+202E prints reversed on a
certificate.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIDDLE_DOT = "\u00b7"
# What people type for the middle dot: the Japanese katakana dot of Chinese
# input methods (full and half width), the hyphenation point, bullets, a dot
# operator and the full-width full stop.
DOT_LOOKALIKES = "\u30fb\uff65\u2027\u2022\u2219\u22c5\uff0e"
_TO_MIDDLE_DOT = str.maketrans(dict.fromkeys(DOT_LOOKALIKES, MIDDLE_DOT))
# Space separators (U+3000 ideographic space, no-break spaces ...) and the tabs
# and line breaks a spreadsheet cell brings along become one plain space; the
# control characters Python also counts as whitespace are refused instead.
_SPACES = re.compile(r"[^\S\x1c-\x1f\x85\u2028\u2029]+")
_SPACED_DOT = re.compile(f" ?{MIDDLE_DOT} ?")
# The variation selector that asks for an emoji's colour presentation.
EMOJI_PRESENTATION = "\ufe0f"
# Planes 2 and 3 hold only CJK ideographs. Python's Unicode database is older
# than the newest extensions (H and I), so an ideograph it does not know yet
# is still taken as a letter there rather than refused as unassigned.
_IDEOGRAPHIC_PLANES = range(0x20000, 0x40000)
# A name with several bad characters is reported by its first few.
MAX_REPORTED = 3


def normalize_name(value: str) -> str:
    """Look-alike dots to U+00B7, spaces collapsed and trimmed (none around a
    dot), NFC. Characters it cannot mend are left for `validate_name`."""
    value = unicodedata.normalize("NFC", (value or "").translate(_TO_MIDDLE_DOT))
    value = _SPACES.sub(" ", value).strip()
    return _SPACED_DOT.sub(MIDDLE_DOT, value)


def validate_name(value: str) -> None:
    """Refuse a name (normalised or not) that has anything but letters, marks
    after letters, middle dots between parts, and spaces."""
    value = normalize_name(value)
    errors = []
    seen = set()
    previous = ""
    for character in value:
        problem = _problem(character, previous)
        previous = character
        if problem is not None and character not in seen:
            seen.add(character)
            errors.append(problem)
    if not errors and MIDDLE_DOT in value:
        parts = value.split(MIDDLE_DOT)
        if not all(parts):
            errors.append(
                ValidationError(
                    _("The middle dot · goes between two parts of a name, once: “%(name)s”."),
                    code="name_dot_position",
                    params={"name": value},
                )
            )
    if errors:
        raise ValidationError(errors[:MAX_REPORTED])


def _is_letter(character: str) -> bool:
    category = unicodedata.category(character)
    return category.startswith("L") or (category == "Cn" and ord(character) in _IDEOGRAPHIC_PLANES)


def _problem(character: str, previous: str) -> ValidationError | None:
    if character in (" ", MIDDLE_DOT) or _is_letter(character):
        return None
    category = unicodedata.category(character)
    params = {"character": character, "code_point": describe(character)}
    if category in ("Mn", "Mc") and character != EMOJI_PRESENTATION:
        if previous and (_is_letter(previous) or unicodedata.category(previous) in ("Mn", "Mc")):
            return None
        return ValidationError(
            _("The accent or sign %(code_point)s must follow a letter."), code="name_mark", params=params
        )
    if category.startswith("N"):
        return ValidationError(
            _("A name cannot contain digits or numbers: “%(character)s” (%(code_point)s)."),
            code="name_digit",
            params=params,
        )
    if category == "Co":
        return ValidationError(
            _(
                "%(code_point)s is a private-use character that only some computers show; "
                "type the standard character instead."
            ),
            code="name_private_use",
            params=params,
        )
    if category.startswith(("C", "Z")):
        return ValidationError(
            _(
                "A name cannot contain the invisible character %(code_point)s; "
                "it can change how the name is displayed and printed."
            ),
            code="name_invisible",
            params=params,
        )
    if category.startswith("P"):
        return ValidationError(
            _(
                "A name cannot contain the punctuation “%(character)s” (%(code_point)s); "
                "only the middle dot · may join its parts."
            ),
            code="name_punctuation",
            params=params,
        )
    return ValidationError(
        _("A name cannot contain emoji or symbols: “%(character)s” (%(code_point)s)."),
        code="name_symbol",
        params=params,
    )


def describe(character: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: how to name a character people may not see."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X} {name}" if name else f"U+{ord(character):04X}"
