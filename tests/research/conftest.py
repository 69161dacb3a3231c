"""Research fixtures on top of the fixed cast: a project led by training base A
(coordinator A's) with practice base A as partner, and documents to upload."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import ProjectMember, ResearchProject
from talent.models import Practitioner
from tests.factories import PractitionerFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="evidence.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name="report.docx", extra=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + extra.decode())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def project(db, training_base_a, base_a, coordinator_a, trainee):
    project = ResearchProject.objects.create(
        title="社区矛盾调解的社会工作介入研究",
        lead_base=training_base_a,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        status=ResearchProject.Status.ACTIVE,
    )
    project.partner_bases.add(base_a)
    ProjectMember.objects.create(
        project=project, practitioner=Practitioner.objects.get(user=trainee), role=ProjectMember.Role.STUDENT
    )
    return project


@pytest.fixture
def outsider_practitioner(db):
    return PractitionerFactory()
