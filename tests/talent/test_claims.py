"""The ledger's categories, uploads checked by content, and the profile's hours by category."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from talent import services, uploads
from talent.models import LearningClaim, LearningRecord, Practitioner

pytestmark = pytest.mark.django_db


def zipped(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return SimpleUploadedFile("file.docx", buffer.getvalue())


def test_documents_are_recognised_by_content():
    assert uploads.document_kind(SimpleUploadedFile("a.txt", b"%PDF-1.7 ...")) == "pdf"
    assert uploads.document_kind(zipped("word/document.xml")) == "docx"
    assert uploads.document_kind(zipped("xl/workbook.xml")) is None  # a spreadsheet renamed .docx
    assert uploads.document_kind(SimpleUploadedFile("a.pdf", b"PK\x03\x04 broken")) is None
    with pytest.raises(ValidationError) as error:
        uploads.validate_document(SimpleUploadedFile("a.pdf", b"<html>"))
    assert error.value.code == "file_type"


def test_course_records_are_in_the_course_category(trainee):
    me = Practitioner.objects.get(user=trainee)
    course = services.credit_hours(
        practitioner=me, hours=Decimal(8), date=datetime.date(2026, 1, 5), title="课", source="course"
    )
    other = services.credit_hours(
        practitioner=me, hours=Decimal(2), date=datetime.date(2026, 1, 5), title="外", note="x"
    )
    assert (course.category, other.category) == ("course", "external_training")


def test_claims_cannot_be_for_the_future_or_for_courses(trainee):
    me = Practitioner.objects.get(user=trainee)
    evidence = SimpleUploadedFile("e.pdf", b"%PDF-1.4 x")
    common = {"practitioner": me, "by": trainee, "quantity": Decimal(1), "title": "x", "review_scope": "training:1"}
    with pytest.raises(services.ClaimRefused) as refusal:
        services.submit_claim(
            category="conference", date=timezone.localdate() + datetime.timedelta(days=1), evidence=evidence, **common
        )
    assert refusal.value.code == "future_date"
    with pytest.raises(services.ClaimRefused) as refusal:
        services.submit_claim(category="course", date=datetime.date(2026, 1, 1), evidence=evidence, **common)
    assert refusal.value.code == "bad_category"
    assert not LearningClaim.objects.exists()


def test_profile_shows_hours_by_category_against_the_caps(client, trainee):
    me = Practitioner.objects.get(user=trainee)
    services.credit_hours(
        practitioner=me,
        hours=Decimal(5),
        date=timezone.localdate(),
        title="年会",
        category=LearningRecord.Category.CONFERENCE,
        note="会议",
    )
    client.force_login(trainee)
    response = client.get("/talent/me/")
    totals = {t.category: (t.hours, t.cap) for t in response.context["totals"]}
    # No qualification level: caps are shares of the highest requirement (90).
    assert totals["conference"] == (Decimal(5), Decimal(27))
    assert 'data-testid="category-totals"' in response.content.decode()
