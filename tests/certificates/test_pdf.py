import io
import re

import pypdf
import pytest
from django.conf import settings

from certificates import pdf
from certificates.services import issue_for_enrollment


def pdf_text(content: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()


def unwrapped(text: str) -> str:
    """The text without the line breaks and spaces where the layout wrapped it."""
    return "".join(text.split())


def font_names(content: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return [str(font.get_object()["/BaseFont"]) for font in fonts.values()]


def data_for(certificate) -> pdf.CertificateData:
    return pdf.CertificateData(
        serial=certificate.serial,
        kind=certificate.kind,
        holder_name=certificate.holder.name,
        title=certificate.title,
        hours=certificate.hours,
        issuing_base=certificate.issuing_base,
        start_date=certificate.start_date,
        end_date=certificate.end_date,
        issued_on=certificate.issued_at.date(),
        verify_url=certificate.get_verify_url(),
        language=certificate.language,
    )


@pytest.fixture
def certificate(completed_enrollment):
    return issue_for_enrollment(completed_enrollment)


def test_the_pdf_names_the_holder_the_serial_and_the_course(certificate):
    text = unwrapped(pdf_text(certificate.pdf.read()))

    assert "李学员" in text
    assert certificate.serial in text
    assert "社会工作实务基础" in text


def test_the_fonts_are_embedded_cjk_subsets(certificate):
    names = font_names(certificate.pdf.read())

    assert names
    for name in names:
        assert re.fullmatch(r"/[A-Z]{6}\+.*CJK.*", name), name


def test_the_qr_code_carries_the_verify_url(certificate):
    url = certificate.get_verify_url()

    assert url.startswith(settings.SITE_BASE_URL + "/verify/")
    assert url.endswith(certificate.verification_code + "/")
    assert pdf.qr_svg(url) in pdf.render_html(data_for(certificate))


def test_html_in_a_name_is_printed_not_interpreted(completed_enrollment):
    practitioner = completed_enrollment.trainee
    practitioner.name = "<img src=http://example.com/x.png>"
    practitioner.save()

    certificate = issue_for_enrollment(completed_enrollment)

    html = pdf.render_html(data_for(certificate))
    assert "&lt;img" in html
    assert "<img" not in html
    assert "<img src=" in pdf_text(certificate.pdf.read())


def test_the_renderer_loads_nothing_from_the_network():
    with pytest.raises(ValueError):
        pdf.AssetsOnlyFetcher().fetch("http://example.com/x.png")


def test_the_renderer_loads_no_file_outside_its_assets():
    with pytest.raises(ValueError):
        pdf.AssetsOnlyFetcher().fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        pdf.AssetsOnlyFetcher().fetch((pdf.ASSETS / ".." / ".." / "config" / "settings.py").as_uri())


def test_the_renderer_loads_the_certificate_stylesheet():
    response = pdf.AssetsOnlyFetcher().fetch((pdf.ASSETS / "certificate.css").as_uri())

    assert response is not None


def test_a_holder_who_asked_for_english_gets_an_english_certificate(completed_enrollment):
    practitioner = completed_enrollment.trainee
    practitioner.preferred_language = "en"
    practitioner.save()

    certificate = issue_for_enrollment(completed_enrollment)

    assert certificate.language == "en"
    assert "Certificate of Completion" in pdf.render_html(data_for(certificate))


def test_a_holder_gets_a_chinese_certificate_by_default(certificate):
    html = pdf.render_html(data_for(certificate))

    assert certificate.language == "zh-hans"
    # These two need the Chinese translation of the certificate's template
    # (locale/zh_Hans/LC_MESSAGES/django.po, compiled); they fail while it is missing.
    assert "结业证书" in html
    assert "Certificate of Completion" not in html


# Close to the line: WeasyPrint keeps glyph ids, so the size depends less on the text than on the
# highest glyph id used (Noto Serif CJK SC's Simplified forms sit near the end of the TTC).
def test_a_certificate_stays_small(certificate):
    assert certificate.pdf.size < 150 * 1024
