"""The certificate font: a subset of Noto Serif CJK SC built on this machine.

WeasyPrint keeps every glyph slot up to the highest one a PDF uses, and in the
Pan-CJK Noto Serif collection the hanzi sit near slot 63,000, so any Chinese
certificate would carry ~150 KB of font. A subset holding ASCII, CJK
punctuation and the 6,763 hanzi of GB 2312 renumbers them below 7,100 and
brings a certificate to ~50 KB. Rarer characters (some names) fall back to the
system's full font, as the CSS lists it second.
"""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

FAMILY = "Certificate Serif CJK SC"
SOURCE_FAMILY = "Noto Serif CJK SC"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
PUNCTUATION = {0x00B7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026}


def font_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "certificates" / "fonts" / "CertificateSerifSC.otf"


def source_font() -> Path | None:
    if shutil.which("fc-match"):
        found = subprocess.run(  # noqa: S603
            ["fc-match", "-f", "%{file}", SOURCE_FAMILY],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        # fc-match answers with its best substitute when the family is missing.
        if found and "NotoSerifCJK" in Path(found).name:
            return Path(found)
    return DEFAULT_SOURCE if DEFAULT_SOURCE.exists() else None


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
