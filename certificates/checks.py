"""System checks for what the certificate PDFs need from the machine."""

import ctypes.util
import shutil
import subprocess

from django.core.checks import Warning, register

from certificates.fonts import RARE_FAMILIES, font_path, system_font

CJK_FAMILY = "Noto Serif CJK SC"


def cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)  # noqa: S607
    return CJK_FAMILY in result.stdout


def harfbuzz_subset_installed() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


@register()
def certificate_fonts(app_configs, **kwargs):
    problems = []
    if not cjk_font_installed():
        problems.append(
            Warning(
                f"No CJK font ({CJK_FAMILY}) found: certificate PDFs would show empty boxes instead of Chinese.",
                hint="Install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk).",
                id="certificates.W001",
            )
        )
    if not harfbuzz_subset_installed():
        problems.append(
            Warning(
                "HarfBuzz's font subsetter (libharfbuzz-subset) is missing: WeasyPrint falls back to fontTools "
                "and each CJK certificate takes seconds instead of a fraction of one.",
                hint="Install Debian's libharfbuzz-subset0.",
                id="certificates.W002",
            )
        )
    if not font_path().exists():
        problems.append(
            Warning(
                "The certificate font subset is not built: certificates embed the full CJK font and weigh ~150 KB.",
                hint="Run: python manage.py build_certificate_font (make run does).",
                id="certificates.W003",
            )
        )
    missing = [family for family in RARE_FAMILIES if system_font(family) is None]
    if missing:
        problems.append(
            Warning(
                f"Hanazono Mincho ({', '.join(missing)}) is not installed: certificates for names with characters "
                "of the CJK extensions (such as 𪚥, U+2A6A5) are refused instead of issued.",
                hint="Install Debian's fonts-hanazono (apt-get install fonts-hanazono).",
                id="certificates.W004",
            )
        )
    return problems
