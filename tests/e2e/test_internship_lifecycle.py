"""On a 360 px phone: the trainee drafts the learning agreement, the on-site
supervisor and the tutor confirm it on their phones, the trainee writes the
week's journal and the tutor comments; no page scrolls sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import JournalEntry, LearningAgreement, Placement, PlacementRound, Position
from talent.roles import Role
from tests.e2e.test_enrolment import sign_in, sign_out
from tests.factories import PracticeBaseFactory, PractitionerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_agreement_and_journal_on_a_phone(page):
    page.set_viewport_size(PHONE)
    base = PracticeBaseFactory(sub_district__name="东风街道")
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="春季实习",
        internship_start=today - datetime.timedelta(days=14),
        internship_end=today + datetime.timedelta(days=60),
        preference_deadline=timezone.now() - datetime.timedelta(days=20),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=40,
    )
    supervisor_user = UserFactory(email="supervisor@example.com", role=Role.TRAINEE)
    supervisor = PractitionerFactory(
        user=supervisor_user, name="赵督导", qualification_level="senior", qualification_certificate_number="Z1"
    )
    tutor_user = UserFactory(email="tutor@example.com", role=Role.TRAINEE)
    tutor = PractitionerFactory(user=tutor_user, name="钱导师")
    position = Position.objects.create(
        round=round, base=base, code="P1", title="居家养老服务岗", capacity=1, supervisor=supervisor
    )
    trainee_user = UserFactory(email="intern@example.com", role=Role.TRAINEE)
    trainee = PractitionerFactory(user=trainee_user, name="欧阳·阿依古丽")
    placement = Placement.objects.create(
        trainee=trainee, round=round, position=position, tutor=tutor, status="confirmed", accepted_at=timezone.now()
    )

    sign_in(page, "intern@example.com")
    page.goto("/placements/mine/")
    expect(page.get_by_test_id("hours-wait-agreement")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.get_by_test_id("agreement-link").click()
    form = page.get_by_test_id("agreement-form")
    form.locator("[name=goals]").fill("掌握老年个案评估方法")
    form.locator("[name=tasks]").fill("每周入户探访三户独居老人")
    form.locator("[name=schedule]").fill("周一、三、五全天")
    form.locator("[name=supervision]").fill("每周五下午督导一小时")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("agreement-waiting")).to_be_visible()
    assert_no_sideways_scroll(page)
    sign_out(page)

    for email in ("supervisor@example.com", "tutor@example.com"):
        sign_in(page, email)
        page.goto(f"/placements/placements/{placement.pk}/agreement/")
        expect(page.get_by_test_id("agreement-text")).to_contain_text("独居老人")
        assert_no_sideways_scroll(page)
        page.get_by_test_id("confirm-agreement").click()
        expect(page.get_by_test_id("confirm-agreement")).to_have_count(0)
        sign_out(page)
    assert LearningAgreement.objects.get().is_confirmed

    sign_in(page, "intern@example.com")
    page.goto(f"/placements/placements/{placement.pk}/journal/")
    expect(page.get_by_test_id("missing-weeks")).to_be_visible()  # the two weeks before this one
    form = page.get_by_test_id("journal-form")
    form.locator("[name=activities]").fill("探访三户老人，协助一户申请居家养老补贴")
    form.locator("[name=reflection]").fill("倾听比给建议更重要")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("journal-entry")).to_contain_text("倾听比给建议更重要")
    assert_no_sideways_scroll(page)
    page.goto("/placements/mine/")
    expect(page.get_by_test_id("hours-wait-agreement")).to_have_count(0)
    sign_out(page)

    sign_in(page, "tutor@example.com")
    page.goto(f"/placements/placements/{placement.pk}/journal/")
    page.get_by_test_id("journal-entry").locator("[name=comment]").fill("很好的反思，下周试着记录一次完整的评估")
    page.get_by_test_id("journal-entry").get_by_role("button").click()
    expect(page.get_by_test_id("tutor-comment")).to_contain_text("完整的评估")
    assert_no_sideways_scroll(page)
    assert JournalEntry.objects.get().tutor_comment.startswith("很好的反思")


def test_round_page_on_a_phone_with_the_tutor_picker(page):
    page.set_viewport_size(PHONE)
    base = PracticeBaseFactory(sub_district__name="东风街道")
    coordinator = UserFactory(email="coord@example.com", role=Role.COORDINATOR)
    base.coordinators.add(coordinator)
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="春季实习",
        internship_start=today,
        internship_end=today + datetime.timedelta(days=60),
        preference_deadline=timezone.now() - datetime.timedelta(days=1),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=40,
    )
    round.organisers.add(coordinator)
    position = Position.objects.create(round=round, base=base, code="P1", title="社区矛盾调解岗", capacity=3)
    for name in ("欧阳·阿依古丽", "司马长风"):
        Placement.objects.create(
            trainee=PractitionerFactory(name=name), round=round, position=position, status="confirmed"
        )
    tutor = PractitionerFactory(name="钱导师")

    sign_in(page, "coord@example.com")
    page.goto(f"/placements/manage/rounds/{round.pk}/")
    assert_no_sideways_scroll(page)  # wide tables scroll inside their own box
    name_cell = page.get_by_test_id("placement-row").first.get_by_test_id("trainee-name")
    lines = page.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }",
        name_cell.element_handle(),
    )
    assert lines == 1  # the name stays on one line however narrow the screen

    picker = page.get_by_test_id("placement-row").first.locator(".tutor-picker")
    box = picker.locator("input[type=search]")
    with page.expect_response(lambda r: "/placements/manage/tutors/" in r.url):
        box.fill("钱")
    label = page.locator("#tutor-options option").first.get_attribute("value")
    box.fill(label)
    assert picker.locator("input[name=tutor]").input_value() == str(tutor.pk)
    picker.get_by_role("button").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert Placement.objects.filter(tutor=tutor).count() == 1
