"""The printable sign-in sheet (签到表) of a class meeting, rendered with
WeasyPrint in the certificates' typeface.

training may not import certificates (the app order), so the font is found
here the way certificates/fonts.py finds it, by its own few lines: the GB 2312
subset that `manage.py build_certificate_font` writes into
static/certificates/fonts/ when it is there, then the system's Noto Serif CJK
SC and Hanazono by family name (fontconfig), as static/certificates/certificate.css
lists them.
"""

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from training.models import Meeting
from training.register import seated

FONT = Path(settings.BASE_DIR) / "static" / "certificates" / "fonts" / "CertificateSerifSC.otf"
ASSETS = Path(settings.BASE_DIR) / "static" / "training"
FAMILIES = ('"Certificate Serif CJK SC"', '"Noto Serif CJK SC"', '"HanaMinA"', '"HanaMinB"', "serif")


class AssetsOnlyFetcher(URLFetcher):
    """Loads the font and the sheet's stylesheet, nothing else: a name on the
    sheet cannot make WeasyPrint fetch anything."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(url2pathname(parsed.path)).resolve()
            if path in (FONT.resolve(), (ASSETS / "sheet.css").resolve()) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"sign-in sheet rendering may not load {url}")


def font_css() -> str:
    face = ""
    if FONT.exists():
        face = f'@font-face {{ font-family: "Certificate Serif CJK SC"; src: url({FONT.as_uri()}); }}'
    return f"{face} html {{ font-family: {', '.join(FAMILIES)}; }}"


def rows(meeting: Meeting, user) -> list[dict]:
    """The sheet's lines, numbered (序号) in the order the import reads them back."""
    enrollments = seated(meeting.session).select_related("trainee__organization")
    return [
        {
            "number": number,
            "name": enrollment.trainee.name,
            "organization": str(enrollment.trainee.organization or ""),
            "resident_id": enrollment.trainee.masked_resident_id,
        }
        for number, enrollment in enumerate(enrollments, start=1)
    ]


def render_html(meeting: Meeting, user) -> str:
    context = {
        "meeting": meeting,
        "session": meeting.session,
        "rows": rows(meeting, user),
        "site_name": settings.SITE_NAME,
        "printed_at": timezone.localtime(),
    }
    return render_to_string("training/sheet.html", context)


def render_pdf(meeting: Meeting, user) -> bytes:
    html = HTML(string=render_html(meeting, user), base_url=ASSETS.as_uri() + "/", url_fetcher=AssetsOnlyFetcher())
    return html.write_pdf(stylesheets=[CSS(string=font_css(), url_fetcher=AssetsOnlyFetcher())])
