"""The research pages on a phone, in Chinese: a registered social worker
claims recognised hours with evidence, the training base's coordinator
approves one claim and rejects the other, the social worker issues the
re-registration proof and anyone can check its totals with the code printed
on it; and a coordinator opens a research project, adds a member and a
milestone, and marks the milestone done."""

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from research.models import ContinuingEducationProof, Milestone, ProjectMember, ResearchProject
from talent.models import LearningClaim, LearningRecord
from tests.e2e.test_enrolment import sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Evidence and proofs are written under media: keep them out of var/.
    settings.MEDIA_ROOT = tmp_path / "media"


def evidence_pdf(title: str) -> bytes:
    """A small valid PDF, distinct for each title (the same file twice would be flagged as duplicate evidence)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def open_from_menu(page, link: str, *, under: str | None = None):
    """Follow a link of the collapsed phone menu (in the 管理 dropdown when `under` names it)."""
    page.goto("/")
    page.get_by_role("button", name="菜单").click()
    if under:
        page.get_by_role("button", name=under).click()
    page.get_by_role("link", name=link, exact=True).click()


def claim_hours(page, *, category: str, title: str, day: datetime.date, quantity: str, base: str, evidence: bytes):
    form = page.locator("main form[enctype='multipart/form-data']")
    form.get_by_label("类别").select_option(label=category)
    form.get_by_label("名称").fill(title)
    form.get_by_label("日期").fill(day.isoformat())
    form.get_by_label("数量").fill(quantity)
    form.get_by_label("审核基地").select_option(label=base)
    form.get_by_label("证明材料").set_input_files(
        {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": evidence}
    )
    form.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("您的申请已提交审核。")


def test_claimed_hours_reviewed_then_printed_on_a_verifiable_proof(page, qualified, coordinator_a, training_base_a):
    today = timezone.localdate()
    conference, paper = evidence_pdf("年会参会证明"), evidence_pdf("论文录用通知")

    # The social worker claims a two-day conference and a paper, each with its evidence.
    sign_in(page, "trainee@example.com")
    open_from_menu(page, "我的学时")
    expect(page.get_by_role("heading", name="我的学时")).to_be_visible()
    expect(page.get_by_text("暂无申请。")).to_be_visible()
    claim_hours(
        page,
        category="学术会议与研讨",
        title="全国社会工作年会",
        day=today,
        quantity="2",
        base="黑龙江八一农垦大学",
        evidence=conference,
    )
    claim_hours(
        page,
        category="论文著作",
        title="社区治理论文",
        day=today,
        quantity="1",
        base="黑龙江八一农垦大学",
        evidence=paper,
    )
    for title, hours in (("全国社会工作年会", "12.0"), ("社区治理论文", "10.0")):
        row = page.get_by_role("row").filter(has_text=title)
        expect(row).to_contain_text(hours)
        expect(row).to_contain_text("待审核")
    claims = {claim.title: claim for claim in LearningClaim.objects.filter(practitioner=qualified)}
    assert claims["全国社会工作年会"].status == LearningClaim.Status.SUBMITTED
    assert (claims["全国社会工作年会"].category, claims["全国社会工作年会"].hours) == ("conference", Decimal(12))
    assert claims["社区治理论文"].review_scope == f"training:{training_base_a.pk}"
    assert not LearningRecord.objects.filter(practitioner=qualified).exists()
    sign_out(page)

    # The coordinator of the training base the claims were sent to reviews them.
    sign_in(page, "coord-a@example.com")
    open_from_menu(page, "学时认定审核", under="管理")
    expect(page.get_by_role("heading", name="学时认定审核")).to_be_visible()
    conference_row = page.get_by_role("row").filter(has_text="全国社会工作年会")
    expect(conference_row).to_contain_text("李学员")
    expect(page.get_by_test_id("duplicate-evidence")).to_have_count(0)
    # The evidence opens for the reviewer: it is the file the claimant uploaded.
    evidence = page.request.get(conference_row.get_by_role("link", name="证明材料").get_attribute("href"))
    assert evidence.ok and evidence.body() == conference
    conference_row.get_by_role("button", name="通过").click()
    expect(page.get_by_role("alert")).to_contain_text("已通过：12.0 学时中认定 12.0 学时。")
    expect(page.get_by_role("row").filter(has_text="全国社会工作年会")).to_have_count(0)
    paper_row = page.get_by_role("row").filter(has_text="社区治理论文")
    paper_row.get_by_label("原因").fill("请上传刊物的录用通知")
    paper_row.get_by_role("button", name="退回").click()
    expect(page.get_by_role("alert")).to_contain_text("申请已退回。")
    expect(page.get_by_text("暂无待审核的申请。")).to_be_visible()
    for claim in claims.values():
        claim.refresh_from_db()
    assert claims["全国社会工作年会"].status == LearningClaim.Status.APPROVED
    assert claims["全国社会工作年会"].credited_hours == Decimal(12)
    assert claims["全国社会工作年会"].reviewed_by == coordinator_a
    assert claims["社区治理论文"].status == LearningClaim.Status.REJECTED
    assert claims["社区治理论文"].review_reason == "请上传刊物的录用通知"
    records = LearningRecord.objects.filter(practitioner=qualified)
    assert [(r.category, r.hours) for r in records] == [("conference", Decimal(12))]
    assert Notification.objects.filter(kind="research.claim_reviewed", user=qualified.user).count() == 2
    sign_out(page)

    # The social worker sees the hours credited and the reason for the refusal, then issues the proof.
    sign_in(page, "trainee@example.com")
    open_from_menu(page, "我的学时")
    totals = page.get_by_test_id("category-totals")
    # Credited hours against the cycle's cap (30% of 90), with one decimal on either database.
    conference_total = totals.get_by_role("row").filter(has_text="学术会议与研讨").get_by_role("cell")
    expect(conference_total.nth(1)).to_have_text("12.0")
    expect(conference_total.nth(2)).to_have_text("27.0")
    paper_total = totals.get_by_role("row").filter(has_text="论文著作").get_by_role("cell")
    expect(paper_total.nth(1)).to_have_text("0.0")
    expect(page.get_by_role("row").filter(has_text="全国社会工作年会")).to_contain_text("已通过")
    rejected = page.get_by_role("row").filter(has_text="社区治理论文")
    expect(rejected).to_contain_text("已退回")
    expect(rejected).to_contain_text("请上传刊物的录用通知")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="出具我的学时证明").click()
    expect(page.get_by_role("alert")).to_contain_text("已出具")
    proof = ContinuingEducationProof.objects.get(holder=qualified)
    assert proof.total_hours == Decimal(12) and proof.totals == {"conference": "12.0"}
    assert proof.superseded_at is None
    expect(page.get_by_role("alert")).to_contain_text(f"您的证明 {proof.serial} 已出具。")
    expect(page.get_by_text(f"证明 {proof.serial}：共 12.0 学时")).to_be_visible()
    expect(page.get_by_role("button", name="出具新证明")).to_be_visible()

    # The PDF prints the hours and the verification code.
    download = page.request.get(page.get_by_role("link", name="下载 PDF").get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "application/pdf"
    printed = pdf_text(download.body())
    assert "全国社会工作年会" in printed and "社区治理论文" not in printed and proof.serial in printed
    code = re.search(r"验证码([0-9A-Z]{26})", printed).group(1)
    assert code == proof.verification_code
    # The page shows the same code, grouped, and links to the verify page.
    expect(page.locator("main")).to_contain_text(proof.printed_code)
    verify_url = page.get_by_test_id("proof-verify").get_attribute("href")
    assert verify_url == f"/research/verify/{proof.verification_code}/"
    sign_out(page)

    # Anyone holding the paper types the printed code (in its groups of four) and sees the same totals.
    page.goto(f"/research/verify/{proof.printed_code}/")
    expect(page.get_by_role("heading", name="查验继续教育学时证明")).to_be_visible()
    expect(page.get_by_text("此证明由本委员会出具。")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text("12.0")
    expect(page.get_by_text("学术会议与研讨")).to_be_visible()
    expect(page.get_by_test_id("holder")).to_have_text(proof.masked_holder_name)
    expect(page.locator("main")).not_to_contain_text("李学员")
    expect(page.locator("main")).to_contain_text(proof.serial)


def test_coordinator_opens_a_project_adds_a_member_and_a_milestone(
    page, coordinator_a, training_base_a, base_a, trainee
):
    today = timezone.localdate()
    due = today + datetime.timedelta(days=30)

    sign_in(page, "coord-a@example.com")
    open_from_menu(page, "科研课题", under="管理")
    expect(page.get_by_text("暂无科研课题。")).to_be_visible()
    page.get_by_role("link", name="新建课题").click()

    form = page.locator("main form")
    form.get_by_label("课题名称").fill("社区矛盾调解的社会工作介入研究")
    form.get_by_label("牵头培训基地").select_option(label="黑龙江八一农垦大学")
    form.get_by_label("东风街道").check()
    form.get_by_label("开始日期").fill((today - datetime.timedelta(days=30)).isoformat())
    form.get_by_label("结束日期").fill((today + datetime.timedelta(days=335)).isoformat())
    form.get_by_label("状态").select_option(label="在研")
    form.get_by_label("经费来源").fill("市民政局购买服务")
    form.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_contain_text("课题已保存。")
    expect(page.get_by_role("heading", name="社区矛盾调解的社会工作介入研究")).to_be_visible()
    project = ResearchProject.objects.get()
    assert (project.lead_base, project.status) == (training_base_a, ResearchProject.Status.ACTIVE)
    assert list(project.partner_bases.all()) == [base_a]
    assert project.funding_source == "市民政局购买服务"
    expect(page.locator("main dl")).to_contain_text("东风街道")
    expect(page.get_by_text("暂无进度节点。")).to_be_visible()

    # A member, by the name in the registry.
    members = page.locator("details").filter(has=page.get_by_text("添加成员", exact=True))
    members.get_by_text("添加成员", exact=True).click()
    members.get_by_label("添加的成员").fill("李学员")
    members.get_by_label("角色").select_option(label="学生")
    members.get_by_role("button", name="添加").click()
    expect(page.get_by_role("alert")).to_contain_text("成员已添加。")
    expect(page.get_by_role("listitem").filter(has_text="李学员")).to_contain_text("学生")
    member = ProjectMember.objects.get(project=project)
    assert (member.practitioner.user, member.role) == (trainee, ProjectMember.Role.STUDENT)

    # A milestone, then marked done.
    milestones = page.locator("details").filter(has=page.get_by_text("添加节点", exact=True))
    milestones.get_by_text("添加节点", exact=True).click()
    milestones.get_by_label("节点").fill("完成入户调研")
    milestones.get_by_label("截止日期").fill(due.isoformat())
    milestones.get_by_role("button", name="添加").click()
    expect(page.get_by_role("alert")).to_contain_text("节点已添加。")
    row = page.get_by_role("row").filter(has_text="完成入户调研")
    expect(row).to_contain_text(due.isoformat())
    expect(row).to_contain_text("计划中")
    milestone = Milestone.objects.get(project=project)
    assert (milestone.due_date, milestone.state) == (due, Milestone.State.PLANNED)

    row.get_by_role("button", name="标记完成").click()
    expect(page.get_by_role("alert")).to_contain_text("节点已更新。")
    expect(page.get_by_role("row").filter(has_text="完成入户调研")).to_contain_text(f"已完成 · {today.isoformat()}")
    milestone.refresh_from_db()
    assert (milestone.state, milestone.done_on) == (Milestone.State.DONE, today)
    sign_out(page)

    # The member finds the project among theirs, without the managing forms.
    sign_in(page, "trainee@example.com")
    page.goto("/research/")
    page.get_by_role("link", name="社区矛盾调解的社会工作介入研究").click()
    expect(page.get_by_role("row").filter(has_text="完成入户调研")).to_contain_text("已完成")
    expect(page.get_by_text("添加节点")).to_have_count(0)
    expect(page.get_by_role("link", name="编辑课题")).to_have_count(0)
