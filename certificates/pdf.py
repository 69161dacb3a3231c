"""Certificate PDFs: a Django template and its own CSS, rendered by WeasyPrint.

Rendering needs no database, so it can run in worker processes: a batch hands
each worker a picklable `CertificateData` and gets the PDF bytes back.
"""

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from certificates import codes

ASSETS = Path(settings.BASE_DIR) / "static" / "certificates"


@dataclass(frozen=True)
class CertificateData:
    serial: str
    kind: str
    holder_name: str
    title: str
    hours: Decimal
    issuing_base: str
    start_date: date
    end_date: date
    issued_on: date
    verify_url: str
    language: str
    verification_code: str = ""
    completed_on: date | None = None
    # Empty: the site's name in the certificate's language.
    issuer_name: str = ""
    # The seal as a data: URI (see certificates/seal.py), or empty for none.
    seal: str = ""


class AssetsOnlyFetcher(URLFetcher):
    """Loads nothing but the certificate's own static files and an inline PNG
    (the seal): no network, no other file on the machine, whatever ends up in
    the HTML."""

    def fetch(self, url, headers=None):
        if url.startswith("data:image/png;base64,"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(url2pathname(parsed.path)).resolve()
            if path.is_relative_to(ASSETS.resolve()) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"certificate rendering may not load {url}")


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=0)


def render_html(data: CertificateData) -> str:
    with translation.override(data.language):
        context = {
            "c": data,
            "qr_svg": qr_svg(data.verify_url),
            "issuer_name": data.issuer_name or str(settings.SITE_NAME),
            "code": codes.grouped(data.verification_code),
            "verify_form_url": settings.SITE_BASE_URL + reverse("certificates:verify-form"),
        }
        return render_to_string("certificates/certificate.html", context)


def render_pdf(data: CertificateData) -> bytes:
    html = HTML(string=render_html(data), base_url=ASSETS.as_uri() + "/", url_fetcher=AssetsOnlyFetcher())
    return html.write_pdf()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _init_worker() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


_pool: ProcessPoolExecutor | None = None


def render_many(items: list[CertificateData]) -> list[bytes]:
    """Render in parallel on every core (CERTIFICATE_RENDER_PROCESSES), in order."""
    global _pool
    processes = settings.CERTIFICATE_RENDER_PROCESSES
    if processes <= 1 or len(items) <= 1:
        return [render_pdf(item) for item in items]
    if _pool is None:
        # spawn, not fork: the web server may run threads, and a forked copy of
        # a threaded process can inherit a held lock.
        _pool = ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn"), initializer=_init_worker)
    return list(_pool.map(render_pdf, items))
