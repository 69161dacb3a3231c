"""The certificate font: a subset of Noto Serif CJK SC built on this machine.

WeasyPrint keeps every glyph slot up to the highest one a PDF uses, and in the
Pan-CJK Noto Serif collection the hanzi sit near slot 63,000, so any Chinese
certificate would carry ~150 KB of font. A subset holding ASCII, CJK
punctuation and the 6,763 hanzi of GB 2312 renumbers them below 7,100 and
brings a certificate to ~50 KB. Rarer characters (some names) fall back to the
system's full font, as the CSS lists it second, and characters of the CJK
extensions that Noto lacks (𪚥, U+2A6A5) to Hanazono (Debian's fonts-hanazono).

Before a certificate is issued, every character it prints is looked up in the
character maps of these fonts (`unprintable`): a character none of them has
would print as an empty box.
"""

import functools
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FAMILY = "Certificate Serif CJK SC"
SOURCE_FAMILY = "Noto Serif CJK SC"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
PUNCTUATION = {0x00B7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026}
# Hanazono Mincho: A holds the URO and Extension A, B the Extensions B and later.
RARE_FAMILIES = ("HanaMinA", "HanaMinB")
# The certificate's font stack, in the order of static/certificates/certificate.css.
STACK = (FAMILY, SOURCE_FAMILY, *RARE_FAMILIES)


def font_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "certificates" / "fonts" / "CertificateSerifSC.otf"


def source_font() -> Path | None:
    found = system_font(SOURCE_FAMILY)
    if found is not None:
        return found[0]
    return DEFAULT_SOURCE if DEFAULT_SOURCE.exists() else None


def system_font(family: str) -> tuple[Path, int] | None:
    """The file (and its index in a collection) that fontconfig uses for
    `family`, or None when the family is not installed."""
    if shutil.which("fc-match") is None:
        return None
    answer = subprocess.run(  # noqa: S603
        ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style=Regular"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    names, _tab, rest = answer.partition("\t")
    file, _tab, index = rest.partition("\t")
    # fc-match answers with its best substitute when the family is missing.
    if family not in names.split(",") or not file:
        return None
    return Path(file), int(index or 0)


def stack_files() -> list[tuple[Path, int]]:
    """The font files of the certificate's stack that this machine has."""
    files = [(font_path(), 0)] if font_path().exists() else []
    for family in STACK[1:]:
        if (found := system_font(family)) is not None:
            files.append(found)
    return files


@functools.cache
def covered() -> frozenset[int]:
    """Every code point some font of the stack has a glyph for. Read once per
    process (about a second for the four fonts)."""
    from fontTools.ttLib import TTFont

    codepoints: set[int] = set()
    for path, index in stack_files():
        font = TTFont(str(path), fontNumber=index, lazy=True)
        try:
            codepoints.update(font.getBestCmap() or {})
        finally:
            font.close()
    return frozenset(codepoints)


def unprintable(text: str) -> list[str]:
    """The characters of `text` that no font of the stack can print, each once, in order."""
    covered_codepoints = covered()
    return list(dict.fromkeys(char for char in text if ord(char) not in covered_codepoints))


def unprintable_message(field: str, text: str) -> str | None:
    """Why `text`, printed as `field`, cannot go on a certificate or proof; None when it can."""
    if not (missing := unprintable(text)):
        return None
    return _(
        "%(field)s “%(text)s” contains “%(character)s” (%(codepoint)s), which none of the "
        "certificate's fonts can print: it would come out as an empty box."
    ) % {"field": field, "text": text, "character": missing[0], "codepoint": f"U+{ord(missing[0]):04X}"}


def characters() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFF70)) | PUNCTUATION
    for codepoint in range(0x4E00, 0xA000):
        try:
            chr(codepoint).encode("gb2312")
        except UnicodeEncodeError:
            continue
        chars.add(codepoint)
    return chars


def build(source: Path, destination: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FAMILY)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    for name_id in (1, 4):
        font["name"].setName(FAMILY, name_id, 3, 1, 0x409)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_suffix(".tmp")
    font.save(str(temporary))
    temporary.replace(destination)
