"""The certificate as an official document: Chinese dates, hours, the
completion date, the issuer and its seal, and every character really printed."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from certificates import fonts, pdf, services
from certificates.checks import certificate_fonts
from certificates.models import Certificate, CertificateBatch, CertificateIssuer
from certificates.services import CertificateRefused, issue_for_enrollment, issue_for_placement
from placements.models import Placement, PlacementRound, Position
from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory, PractitionerFactory
from training.models import CourseSession, Enrollment

SHANGHAI = ZoneInfo("Asia/Shanghai")
RARE = "\U0002a6a5"  # 𪚥, CJK Extension B: not in Noto Serif CJK, in Hanazono
NOWHERE = "\U00030000"  # 𰀀, CJK Extension G: in none of the certificate's fonts


def pdf_text(content: bytes) -> str:
    """The first page's text without the spaces and line breaks of the layout."""
    return "".join(pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text().split())


def font_names(content: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    return [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]


def image_count(content: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(content)).pages[0].images)


def png(size=(400, 400), mode="RGBA", **save) -> bytes:
    image = Image.new(mode, size, (180, 20, 20, 0) if mode == "RGBA" else None)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **save)
    return buffer.getvalue()


@pytest.fixture
def december_session(db, training_base_a):
    return CourseSessionFactory(
        course=CourseFactory(base=training_base_a, title="社会工作实务基础", hours=Decimal("24.0")),
        status=CourseSession.Status.FINISHED,
        start_date=datetime.date(2025, 12, 1),
        end_date=datetime.date(2025, 12, 3),
    )


def completed(session, *, name="李学员", finished_at=datetime.datetime(2025, 12, 3, 17, tzinfo=SHANGHAI), language=""):
    trainee = PractitionerFactory(name=name, **({"preferred_language": language} if language else {}))
    return EnrollmentFactory(
        session=session, trainee=trainee, status=Enrollment.Status.COMPLETED, finished_at=finished_at
    )


# Dates and hours


def test_a_chinese_certificate_writes_chinese_dates_and_whole_hours(december_session):
    certificate = issue_for_enrollment(completed(december_session))

    text = pdf_text(certificate.pdf.read())

    assert "于2025年12月1日至2025年12月3日" in text
    assert "共24学时" in text
    assert "24.0" not in text
    assert "2025-12" not in text


def test_half_hours_print_with_their_decimal(december_session):
    course = december_session.course
    course.hours = Decimal("1.5")
    course.save()

    text = pdf_text(issue_for_enrollment(completed(december_session)).pdf.read())

    assert "共1.5学时" in text


def test_an_english_certificate_spells_the_month_out(december_session):
    certificate = issue_for_enrollment(completed(december_session, language="en"))

    text = pdf_text(certificate.pdf.read())

    assert "from1December2025to3December2025,24hoursinall" in text
    assert "Completedon3December2025." in text


def test_the_completion_date_is_the_local_day_the_enrolment_finished(december_session):
    # 00:30 in Daqing on 4 December is still 3 December in UTC.
    enrollment = completed(december_session, finished_at=datetime.datetime(2025, 12, 4, 0, 30, tzinfo=SHANGHAI))

    certificate = issue_for_enrollment(enrollment)

    assert certificate.completed_on == datetime.date(2025, 12, 4)
    assert "2025年12月4日" in pdf_text(certificate.pdf.read())


def test_a_completion_recorded_before_the_session_ended_is_refused(december_session):
    early = completed(december_session, finished_at=datetime.datetime(2025, 12, 1, 9, tzinfo=SHANGHAI))

    with pytest.raises(CertificateRefused) as refusal:
        issue_for_enrollment(early)

    assert refusal.value.code == "completed_before_end"
    assert not Certificate.objects.exists()


def test_an_internship_certificate_states_the_day_the_placement_was_completed(db, base_a, trainee):
    round = PlacementRound.objects.create(
        name="2025年秋季实习",
        internship_start=datetime.date(2025, 9, 1),
        internship_end=datetime.date(2025, 11, 30),
        preference_deadline=datetime.datetime(2025, 8, 20, tzinfo=SHANGHAI),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=16,
    )
    supervisor = PractitionerFactory(qualification_level="intermediate", qualification_certificate_number="Z1")
    position = Position.objects.create(
        round=round, base=base_a, code="P1", title="社区服务岗", capacity=1, supervisor=supervisor
    )
    placement = Placement.objects.create(
        round=round,
        position=position,
        trainee=trainee.practitioner,
        status=Placement.Status.COMPLETED,
        completed_at=datetime.datetime(2025, 11, 28, 16, tzinfo=SHANGHAI),
    )

    certificate = issue_for_placement(placement, Decimal("16.0"))

    assert certificate.completed_on == datetime.date(2025, 11, 28)
    # Completed two days before the round's end: the internship ran until then.
    assert (certificate.start_date, certificate.end_date) == (datetime.date(2025, 9, 1), datetime.date(2025, 11, 28))
    text = pdf_text(certificate.pdf.read())
    assert "2025年9月1日" in text and "2025年11月28日" in text
    assert "2025年11月30日" not in text
    assert "共16学时" in text


# The code, the serial and the issuer


def test_the_certificate_prints_the_grouped_code_beside_the_serial(december_session):
    certificate = issue_for_enrollment(completed(december_session))

    text = pdf_text(certificate.pdf.read())

    assert certificate.serial in text
    assert certificate.printed_code.replace(" ", "") in text
    html = pdf.render_html(services._data(certificate, services.Issuer.current()))
    assert certificate.printed_code in html


def test_without_an_issuer_the_certificate_prints_the_site_name(december_session, settings):
    settings.SITE_NAME = "齐齐哈尔市社会工作委员会"

    text = pdf_text(issue_for_enrollment(completed(december_session)).pdf.read())

    assert text.count("齐齐哈尔市社会工作委员会") == 2  # at the top and above the date
    assert "大庆" not in text


def test_the_issuer_set_by_the_administrator_is_printed_in_each_language(december_session):
    CertificateIssuer.objects.create(name_zh="大庆市委社会工作部", name_en="Social Work Department of Daqing")

    chinese = pdf_text(issue_for_enrollment(completed(december_session)).pdf.read())
    english = pdf_text(issue_for_enrollment(completed(december_session, name="王五", language="en")).pdf.read())

    assert "大庆市委社会工作部" in chinese
    assert "SocialWorkDepartmentofDaqing" in english


def test_the_serial_prefix_is_a_setting(december_session, settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "QQHR"

    certificate = issue_for_enrollment(completed(december_session))

    assert certificate.serial.startswith("QQHR-")


# The seal


def test_a_certificate_issued_after_the_seal_was_uploaded_prints_it(december_session):
    before = issue_for_enrollment(completed(december_session))
    CertificateIssuer.objects.create(seal=SimpleUploadedFile("seal.png", png()))

    after = issue_for_enrollment(completed(december_session, name="王五"))

    assert image_count(before.pdf.read()) == 0
    assert image_count(after.pdf.read()) == 1


def test_the_renderer_loads_an_inline_png_and_no_other_data(tmp_path):
    response = pdf.AssetsOnlyFetcher().fetch("data:image/png;base64,iVBORw0KGgo=")

    assert response is not None
    with pytest.raises(ValueError):
        pdf.AssetsOnlyFetcher().fetch("data:text/html;base64,PGgxPg==")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"GIF89a not a png", "not_png"),
        (png(mode="RGB"), "not_transparent"),
        (png(size=(120, 120)), "bad_size"),
        (png(size=(5000, 300)), "bad_size"),
    ],
)
def test_a_seal_that_would_print_badly_is_refused_with_the_reason(db, content, code):
    from django.core.exceptions import ValidationError

    issuer = CertificateIssuer(seal=SimpleUploadedFile("seal.png", content))

    with pytest.raises(ValidationError) as error:
        issuer.full_clean()

    assert error.value.error_dict["seal"][0].code == code


def test_a_jpeg_is_refused_as_not_a_png(db):
    from django.core.exceptions import ValidationError

    buffer = io.BytesIO()
    Image.new("RGB", (400, 400)).save(buffer, "JPEG")

    with pytest.raises(ValidationError) as error:
        CertificateIssuer(seal=SimpleUploadedFile("seal.png", buffer.getvalue())).full_clean()

    assert error.value.error_dict["seal"][0].code == "not_png"
    assert "JPEG" in error.value.error_dict["seal"][0].message % error.value.error_dict["seal"][0].params


def test_a_palette_png_with_a_transparent_colour_is_accepted(db):
    CertificateIssuer(seal=SimpleUploadedFile("seal.png", png(mode="P", transparency=0))).full_clean()


def test_the_administrator_uploads_the_seal_in_the_admin(client, administrator, settings):
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    client.force_login(administrator)

    assert client.get(reverse("admin:certificates_certificateissuer_changelist"))["Location"].endswith("/add/")
    refused = client.post(
        reverse("admin:certificates_certificateissuer_add"),
        {"name_zh": "", "name_en": "", "seal": SimpleUploadedFile("seal.png", png(mode="RGB"))},
    )
    assert refused.status_code == 200
    assert "transparent" in refused.content.decode() or "透明" in refused.content.decode()
    accepted = client.post(
        reverse("admin:certificates_certificateissuer_add"),
        {"name_zh": "大庆市委社会工作部", "name_en": "", "seal": SimpleUploadedFile("seal.png", png())},
    )

    assert accepted.status_code == 302
    issuer = CertificateIssuer.objects.get()
    assert issuer.seal.name.endswith(".png")
    assert client.get(reverse("admin:certificates_certificateissuer_changelist"))["Location"].endswith("/1/change/")
    assert client.get(reverse("admin:certificates_certificateissuer_add")).status_code == 403


# Every character printed


def test_the_css_font_stack_is_the_one_the_glyph_check_reads():
    css = (Path(settings.BASE_DIR) / "static" / "certificates" / "certificate.css").read_text()

    stack = re.search(r"html \{ font-family: ([^;]+);", css).group(1)

    assert [family.strip().strip('"') for family in stack.split(",")] == [*fonts.STACK, "serif"]


def test_a_name_in_cjk_extension_b_is_printed_with_hanazono(december_session):
    certificate = issue_for_enrollment(completed(december_session, name=f"张{RARE}"))

    content = certificate.pdf.read()

    assert f"张{RARE}" in pdf_text(content)
    assert any("HanaMin" in name for name in font_names(content)), font_names(content)


def test_a_character_no_font_has_is_refused_and_named(december_session):
    enrollment = completed(december_session, name=f"张{NOWHERE}")

    with pytest.raises(CertificateRefused) as refusal:
        issue_for_enrollment(enrollment)

    assert refusal.value.code == "missing_glyph"
    assert NOWHERE in refusal.value.message
    assert "U+30000" in refusal.value.message
    assert not Certificate.objects.exists()


def test_every_printed_field_is_checked(december_session):
    CertificateIssuer.objects.create(name_zh=f"大庆市{NOWHERE}委员会")

    with pytest.raises(CertificateRefused) as refusal:
        issue_for_enrollment(completed(december_session))

    assert "U+30000" in refusal.value.message
    assert "大庆市" in refusal.value.message


def test_a_batch_issues_the_others_and_reports_the_refused(december_session):
    good = [completed(december_session, name=name) for name in ("李一", f"张{RARE}", "王三")]
    bad = completed(december_session, name=f"赵{NOWHERE}")
    sources = [services.source_for_enrollment(e) for e in [*good, bad]]
    refused = []

    in_place = services.issue_in_chunks(sources, on_refused=lambda source, refusal: refused.append((source, refusal)))

    assert in_place == 3
    assert set(Certificate.objects.values_list("enrollment", flat=True)) == {e.pk for e in good}
    assert [(source.enrollment, refusal.code) for source, refusal in refused] == [(bad, "missing_glyph")]


def test_the_batch_page_issues_the_others_and_lists_the_refused(
    client, coordinator_a, december_session, django_capture_on_commit_callbacks
):
    completed(december_session, name="李一")
    completed(december_session, name=f"赵{NOWHERE}")
    client.force_login(coordinator_a)
    url = reverse("certificates:session-batch", args=[december_session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    page = client.get(url)

    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.done, batch.total, batch.refused) == ("finished", 1, 2, 1)
    assert Certificate.objects.count() == 1
    content = page.content.decode()
    assert page.context["progress"].done == 1
    assert f"赵{NOWHERE}" in content
    assert "U+30000" in content
    assert page.context["progress"].issuable == []
    assert 'class="btn btn-primary" type="submit"' not in content  # nothing left that can be issued


def test_the_command_reports_the_refused_and_issues_the_others(december_session):
    from io import StringIO

    completed(december_session, name="李一")
    completed(december_session, name=f"赵{NOWHERE}")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 certificates could not be issued"):
        call_command("issue_certificates", session=december_session.pk, stdout=out, stderr=err)

    assert Certificate.objects.count() == 1
    assert "U+30000" in err.getvalue()


def test_the_system_check_warns_when_hanazono_is_missing(monkeypatch, tmp_path):
    # A fontconfig that knows no fonts at all, as on a machine without fonts-hanazono (or any font).
    config = tmp_path / "fonts.conf"
    config.write_text("<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))

    ids = [problem.id for problem in certificate_fonts(None)]

    assert "certificates.W004" in ids


def test_the_system_check_is_quiet_about_hanazono_when_it_is_installed():
    assert "certificates.W004" not in [problem.id for problem in certificate_fonts(None)]
