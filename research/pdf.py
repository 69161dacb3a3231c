"""The continuing-education proof as a PDF, in the certificates' face, through
the fetcher that reads nothing but the certificates' own assets."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML

from certificates import codes
from certificates.pdf import ASSETS, AssetsOnlyFetcher, qr_svg
from talent.models import LearningRecord

STYLESHEET = Path(settings.BASE_DIR) / "static" / "research" / "proof.css"


def render_proof(proof, *, language: str) -> bytes:
    labels = dict(LearningRecord.Category.choices)
    with translation.override(language):
        context = {
            "proof": proof,
            "lines": [{**line, "category_label": str(labels.get(line["category"], ""))} for line in proof.lines],
            "totals": [(str(labels[key]), value) for key, value in proof.totals.items()],
            "issued_on": timezone.localdate(proof.issued_at),
            "code": codes.grouped(proof.verification_code),
            "qr_svg": qr_svg(proof.get_verify_url()),
            "site_name": settings.SITE_NAME,
            "language": language,
        }
        page = render_to_string("research/proof_pdf.html", context)
    fetcher = AssetsOnlyFetcher()
    base_url = ASSETS.as_uri() + "/"
    html = HTML(string=page, base_url=base_url, url_fetcher=fetcher)
    stylesheet = CSS(string=STYLESHEET.read_text(), base_url=base_url, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet])
