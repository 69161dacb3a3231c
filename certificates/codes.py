"""Verification codes meant to be read off paper and typed.

A code is 26 symbols of Crockford's base32 (130 random bits), printed in
groups of four: `7KQ4 M2XD …`. The alphabet leaves out I, L, O and U, so what
people type is read generously: any case and width, spaces and dashes ignored,
O read as 0, I and L as 1.

Certificates issued before these codes carry a `secrets.token_urlsafe` code
(22 characters, case-sensitive): they are still found, by exact match.
"""

import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 26
GROUP = 4

_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Spaces and every dash a keyboard or an input method may produce.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d]+")
_LEGACY = re.compile(r"[A-Za-z0-9_-]{16,43}")


def new_code() -> str:
    number = secrets.randbits(5 * LENGTH)
    return "".join(ALPHABET[(number >> shift) & 0b11111] for shift in range(5 * (LENGTH - 1), -1, -5))


def normalize(typed: str) -> str | None:
    """The code someone typed in its stored form, or None if it cannot be one of these codes."""
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper().translate(_MISREAD)
    if len(code) == LENGTH and all(symbol in ALPHABET for symbol in code):
        return code
    return None


def candidates(typed: str) -> list[str]:
    """The stored codes that `typed` may stand for: a code of this kind
    normalised, or an older code exactly as typed."""
    found = []
    if code := normalize(typed):
        found.append(code)
    if _LEGACY.fullmatch(typed.strip()):
        found.append(typed.strip())
    return found


def grouped(code: str) -> str:
    """`7KQ4M2XD…` → `7KQ4 M2XD …`; an older code as it is."""
    if normalize(code) != code:
        return code
    return " ".join(code[start : start + GROUP] for start in range(0, LENGTH, GROUP))
