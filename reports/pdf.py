"""The assessment report as a PDF, with the certificates' font set-up: the same
subset CJK face, loaded through the same fetcher that reads nothing but the
certificates' own assets."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from certificates.pdf import ASSETS, AssetsOnlyFetcher

STYLESHEET = Path(settings.BASE_DIR) / "static" / "reports" / "assessment.css"


def render_assessment(context: dict) -> bytes:
    fetcher = AssetsOnlyFetcher()
    base_url = ASSETS.as_uri() + "/"
    page = render_to_string("reports/assessment_pdf.html", {"site_name": settings.SITE_NAME, **context})
    html = HTML(string=page, base_url=base_url, url_fetcher=fetcher)
    stylesheet = CSS(string=STYLESHEET.read_text(), base_url=base_url, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet])
