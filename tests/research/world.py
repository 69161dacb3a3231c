"""Research rows for the small world of tests/config/test_chinese_pages.py, so
that every research page (and the assessment's) has something to show."""

import datetime
from decimal import Decimal

from django.utils import timezone

from reports import services as report_services
from reports.models import Indicator, RequiredFix
from research import services
from research.models import ExchangeActivity, Milestone, Output, ProjectMember, ResearchProject
from talent import services as talent_services
from tests.research.conftest import pdf_upload


def research_world(world, *, trainee, coordinator, administrator, training_base, practice_base) -> dict:
    today = timezone.localdate()
    me = world["trainee"]
    project = ResearchProject.objects.create(
        title="社区矛盾调解研究",
        lead_base=training_base,
        start_date=today - datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=200),
        status=ResearchProject.Status.ACTIVE,
        summary="研究摘要",
    )
    project.partner_bases.add(practice_base)
    member = ProjectMember.objects.create(project=project, practitioner=me, role=ProjectMember.Role.STUDENT)
    milestone = Milestone.objects.create(project=project, title="开题", due_date=today - datetime.timedelta(days=5))
    Output.objects.create(project=project, kind=Output.Kind.REPORT, title="调研报告", date=today)
    activity = ExchangeActivity(
        training_base=training_base,
        practice_base=practice_base,
        project=project,
        kind=ExchangeActivity.Kind.CASE_SEMINAR,
        title="个案研讨",
        date=today,
        place="社工站",
        hours=Decimal(3),
    )
    services.record_activity(activity=activity, by=coordinator, participants=[me])
    claim = talent_services.submit_claim(
        practitioner=me,
        by=trainee,
        category="conference",
        date=today,
        quantity=Decimal(1),
        title="年会",
        evidence=pdf_upload(),
        review_scope=services.training_scope(training_base),
        review_scope_label=training_base.name,
    )
    proof = services.issue_proof(practitioner=me, by=trainee)
    last_year = today.year - 1
    report_services.require_fix(
        kind="practice",
        base=practice_base,
        year=last_year,
        description="补充督导记录",
        due_date=today,
        by=administrator,
    )
    entry = report_services.enter_value(
        kind="practice",
        base=practice_base,
        year=today.year,
        indicator=Indicator.objects.get(base_kind="practice", source="trainee_feedback"),
        value=Decimal("4.5"),
        note="问卷",
        evidence=pdf_upload(),
        by=administrator,
    )
    return {
        "project": project,
        "member": member,
        "milestone": milestone,
        "claim": claim,
        "proof": proof,
        "fix": RequiredFix.objects.get(),
        "entry": entry,
    }


def _project(w):
    return [{"pk": w["project"].pk}]


def _assessment(w):
    base_id = w["placement"].position.base_id
    return [{"kind": "practice", "base_id": base_id, "year": timezone.localdate().year}]


ARGUMENTS = {
    "research:project-detail": _project,
    "research:project-edit": _project,
    "research:member-add": _project,
    "research:member-remove": lambda w: [{"pk": w["project"].pk, "member_pk": w["member"].pk}],
    "research:milestone-add": _project,
    "research:milestone-state": lambda w: [{"pk": w["project"].pk, "milestone_pk": w["milestone"].pk}],
    "research:output-add": _project,
    "research:output-file": lambda w: [],  # a download
    "research:claim-review": lambda w: [{"pk": w["claim"].pk}],
    "research:claim-evidence": lambda w: [],  # a download
    "research:proof-verify": lambda w: [{"code": w["proof"].verification_code}, {"code": "no-such-code"}],
    "reports:assessment-enter": _assessment,
    "reports:assessment-comments": _assessment,
    "reports:assessment-fix": _assessment,
    "reports:assessment-sign": _assessment,
    "reports:assessment-follow-up": lambda w: [{**_assessment(w)[0], "fix_pk": w["fix"].pk}],
    "reports:assessment-evidence": lambda w: [],  # a download
}
