import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research import services
from research.models import Output, ProjectMember, ResearchProject
from talent.roles import Role
from tests.factories import TrainingBaseFactory, UserFactory
from tests.research.conftest import PDF_BYTES, docx_upload, pdf_upload

pytestmark = pytest.mark.django_db


def test_lead_base_coordinator_creates_a_project(client, coordinator_a, training_base_a, base_a):
    client.force_login(coordinator_a)
    response = client.post(
        "/research/projects/new/",
        {
            "title": "老年社会工作服务评估",
            "lead_base": training_base_a.pk,
            "partner_bases": [base_a.pk],
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
            "status": "approved",
            "grant_amount": "50000",
        },
    )
    project = ResearchProject.objects.get(title="老年社会工作服务评估")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert list(project.partner_bases.all()) == [base_a]


def test_coordinator_cannot_lead_from_another_base(client, coordinator_b):
    other = TrainingBaseFactory()
    client.force_login(coordinator_b)
    # Coordinator B runs no training base: no form at all.
    assert client.get("/research/projects/new/").status_code == 403
    project = ResearchProject(
        title="x", lead_base=other, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 2, 1)
    )
    with pytest.raises(services.ResearchRefused):
        services.save_project(project=project, by=coordinator_b)


@pytest.mark.parametrize(
    ("who", "sees", "manages"),
    [
        ("administrator", True, True),
        ("coordinator_a", True, True),  # lead base
        ("partner", True, False),  # partner practice base
        ("trainee", True, False),  # member
        ("other_trainee", False, False),
        ("coordinator_b", False, False),
    ],
)
def test_who_sees_and_manages_a_project(client, request, project, base_a, who, sees, manages):
    if who == "partner":
        user = UserFactory(role=Role.COORDINATOR)
        base_a.coordinators.add(user)
    else:
        user = request.getfixturevalue(who)
    output = Output.objects.create(project=project, kind="report", title="调研报告", date=datetime.date(2026, 5, 1))
    output.file.save("r.pdf", SimpleUploadedFile("r.pdf", PDF_BYTES))
    client.force_login(user)
    assert client.get(project.get_absolute_url()).status_code == (200 if sees else 404)
    assert client.get(output.get_file_url()).status_code == (200 if sees else 404)
    assert client.get(f"/research/projects/{project.pk}/edit/").status_code == (200 if manages else 404)
    response = client.post(f"/research/projects/{project.pk}/milestones/", {"title": "中期", "due_date": "2026-06-30"})
    assert response.status_code == (302 if manages else 404)
    in_list = project.title in client.get("/research/").content.decode()
    assert in_list == sees


def test_output_file_is_checked_by_content(client, coordinator_a, project):
    client.force_login(coordinator_a)
    url = f"/research/projects/{project.pk}/outputs/"
    fake = SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(url, {"kind": "paper", "title": "假论文", "date": "2026-05-01", "file": fake})
    assert not Output.objects.filter(title="假论文").exists()
    client.post(url, {"kind": "paper", "title": "论文", "date": "2026-05-01", "file": docx_upload()})
    client.post(url, {"kind": "report", "title": "报告", "date": "2026-05-01", "file": pdf_upload("报告.pdf")})
    assert set(Output.objects.values_list("title", flat=True)) == {"论文", "报告"}
    # Served through the view, never from a public media address.
    output = Output.objects.get(title="报告")
    response = client.get(output.get_file_url())
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_output_size_limit(client, coordinator_a, project, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 100
    client.force_login(coordinator_a)
    big = pdf_upload(content=PDF_BYTES + b"0" * 200)
    client.post(
        f"/research/projects/{project.pk}/outputs/", {"kind": "paper", "title": "大", "date": "2026-05-01", "file": big}
    )
    assert not Output.objects.exists()


def test_authors_must_be_members(coordinator_a, project, training_base_a):
    other = ResearchProject.objects.create(
        title="另一个",
        lead_base=training_base_a,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 1),
    )
    stranger = ProjectMember.objects.create(project=other, practitioner=project.members.get().practitioner)
    with pytest.raises(services.ResearchRefused):
        services.add_output(
            project=project,
            by=coordinator_a,
            kind="paper",
            title="x",
            date=datetime.date(2026, 1, 2),
            authors=[stranger],
        )


def test_members_added_by_resident_id_or_name(client, coordinator_a, project, outsider_practitioner):
    client.force_login(coordinator_a)
    client.post(
        f"/research/projects/{project.pk}/members/",
        {"people": f"{outsider_practitioner.resident_id}\n", "role": "member"},
    )
    assert project.members.filter(practitioner=outsider_practitioner, role="member").exists()
