"""The research part of the demo (seed_demo): projects pairing the training
bases with practice bases, exchange activities whose hours are proposed for
review, and claims, so that every research page shows something."""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from research import services
from research.models import ExchangeActivity, Milestone, Output, ProjectMember, ResearchProject
from talent import services as talent_services
from talent.models import LearningClaim, Practitioner
from talent.roles import Role

# A one-page PDF, small enough to write out here, as the demo's evidence.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

PROJECTS = [
    # (training base index, practice base indexes, title, status, months ago it started, months long)
    (0, [0, 1], "社区矛盾纠纷调解中的社会工作介入研究", ResearchProject.Status.ACTIVE, 8, 18),
    (0, [2], "居家养老服务需求评估与服务模式研究", ResearchProject.Status.APPROVED, 2, 24),
    (1, [3, 4], "油田社区青少年成长支持体系研究", ResearchProject.Status.ACTIVE, 10, 20),
    (2, [5], "基层社会治理中的社会工作人才队伍建设", ResearchProject.Status.CONCLUDED, 20, 12),
]

ACTIVITIES = [
    # (training base index, practice base index, kind, title, days ago, hours)
    (0, 0, ExchangeActivity.Kind.CASE_SEMINAR, "调解个案研讨会", 20, Decimal(3)),
    (0, 0, ExchangeActivity.Kind.SUPERVISION, "一线社工督导", 45, Decimal(4)),
    (0, 1, ExchangeActivity.Kind.LECTURE, "社区治理专题讲座", 60, Decimal(2)),
    (1, 3, ExchangeActivity.Kind.FIELD_STUDY, "青少年服务需求调研", 30, Decimal(6)),
    (2, 5, ExchangeActivity.Kind.SECONDMENT, "街道挂职锻炼", 90, Decimal(40)),
    (1, 4, ExchangeActivity.Kind.LECTURE, "家庭社会工作讲座", 15, Decimal(2)),
]


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def seed_research(rng: random.Random, training_bases, practice_bases, users) -> None:
    today = timezone.localdate()
    administrator, coordinator = users[Role.ADMINISTRATOR], users[Role.COORDINATOR]
    me = Practitioner.objects.get(user=users[Role.TRAINEE])
    people = list(Practitioner.objects.exclude(pk=me.pk).order_by("pk")[:60])
    for training, partners, title, status, ago, length in PROJECTS:
        start = _months(today, -ago)
        project = services.save_project(
            project=ResearchProject(
                title=title,
                lead_base=training_bases[training],
                start_date=start,
                end_date=_months(start, length) - datetime.timedelta(days=1),
                status=ResearchProject.Status.ACTIVE if status == ResearchProject.Status.CONCLUDED else status,
                funding_source="大庆市社会工作专项经费",
                grant_amount=Decimal(rng.choice([30000, 50000, 80000])),
                principal_practitioner=people[training],
                summary="围绕科研培训基地与实践实习基地的交流互动，以研究指导实务。",
            ),
            by=administrator,
            partner_bases=[practice_bases[i] for i in partners],
        )
        members = [
            (people[training], ProjectMember.Role.LEAD),
            *((p, ProjectMember.Role.MEMBER) for p in rng.sample(people[6:], 3)),
        ]
        if training == 0:
            members.append((me, ProjectMember.Role.STUDENT))
        for practitioner, role in members:
            services.add_member(project=project, by=administrator, practitioner=practitioner, role=role)
        Milestone.objects.create(
            project=project,
            title="开题论证",
            due_date=start + datetime.timedelta(days=30),
            state=Milestone.State.DONE,
            done_on=start + datetime.timedelta(days=28),
        )
        Milestone.objects.create(project=project, title="中期检查", due_date=_months(start, length // 2))
        Milestone.objects.create(project=project, title="结题验收", due_date=project.end_date)
        authors = list(project.members.all()[:2])
        services.add_output(
            project=project,
            by=administrator,
            kind=Output.Kind.REPORT,
            title=f"{title}调研报告",
            date=min(today, start + datetime.timedelta(days=120)),
            authors=authors,
            file=SimpleUploadedFile("report.pdf", DEMO_PDF, content_type="application/pdf"),
        )
        if status == ResearchProject.Status.CONCLUDED:
            project.status = status
            services.save_project(project=project, by=administrator, partner_bases=project.partner_bases.all())

    for training, practice, kind, title, ago, hours in ACTIVITIES:
        participants = rng.sample(people, 5) + ([me] if training == 0 else [])
        services.record_activity(
            activity=ExchangeActivity(
                training_base=training_bases[training],
                practice_base=practice_bases[practice],
                kind=kind,
                title=title,
                date=today - datetime.timedelta(days=ago),
                place=f"{practice_bases[practice].name}社会工作服务站",
                hours=hours,
            ),
            by=administrator,
            participants=participants,
        )
    # Some of the proposed hours reviewed already; the rest wait for the coordinator.
    for claim in LearningClaim.objects.filter(review_scope=services.training_scope(training_bases[0]))[:4]:
        services.review_claim(claim=claim, reviewer=coordinator, approve=True)
    talent_services.submit_claim(
        practitioner=me,
        by=users[Role.TRAINEE],
        category="conference",
        date=today - datetime.timedelta(days=40),
        quantity=Decimal(2),
        title="黑龙江省社会工作年会",
        evidence=SimpleUploadedFile("年会参会证明.pdf", DEMO_PDF, content_type="application/pdf"),
        review_scope=services.training_scope(training_bases[0]),
        review_scope_label=training_bases[0].name,
    )
