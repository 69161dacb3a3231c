import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import HourLog, Placement, PlacementRound, Position
from talent.roles import Role
from tests.e2e.test_enrolment import sign_in, sign_out
from tests.factories import PracticeBaseFactory, PractitionerFactory, UserFactory, meet_internship_requirements

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trainee_ranks_coordinator_matches_and_trainee_logs_hours(page):
    base = PracticeBaseFactory(sub_district__name="东风街道")
    coordinator = UserFactory(email="coord@example.com", role=Role.COORDINATOR)
    base.coordinators.add(coordinator)
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="春季实习",
        internship_start=today - datetime.timedelta(days=7),
        internship_end=today + datetime.timedelta(days=60),
        preference_deadline=timezone.now() + datetime.timedelta(days=2),
        status=PlacementRound.Status.COLLECTING,
        required_hours=40,
    )
    supervisor = PractitionerFactory(qualification_level="senior", qualification_certificate_number="Z1")
    titles = ["社区矛盾调解岗", "居家养老服务岗", "青少年成长服务岗"]
    for n, title in enumerate(titles, start=1):
        Position.objects.create(round=round, base=base, code=f"P{n}", title=title, capacity=1, supervisor=supervisor)
    trainee = UserFactory(email="intern@example.com", role=Role.TRAINEE)
    PractitionerFactory(user=trainee, name="丙学员")

    sign_in(page, "intern@example.com")
    page.goto("/placements/mine/")
    form = page.get_by_test_id("preferences-form")
    for rank, title in enumerate(["居家养老服务岗", "社区矛盾调解岗", "青少年成长服务岗"], start=1):
        form.locator(f"select[name$='choice_{rank}']").select_option(label=f"东风街道 · {title}")
    form.get_by_role("button").click()
    expect(page.get_by_role("alert")).to_be_visible()
    sign_out(page)
    # The coordinator runs the round, once the preference deadline has passed.
    round.organisers.add(coordinator)
    PlacementRound.objects.filter(pk=round.pk).update(preference_deadline=timezone.now())

    sign_in(page, "coord@example.com")
    page.goto(f"/placements/manage/rounds/{round.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="运行匹配").click()
    expect(page.get_by_test_id("placement-row")).to_contain_text("居家养老服务岗")
    # Published for appeal; confirmed once the window has closed.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("appeal-note")).to_be_visible()
    PlacementRound.objects.filter(pk=round.pk).update(published_at=timezone.now() - datetime.timedelta(days=4))
    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认本轮").click()
    expect(page.get_by_test_id("placement-row")).to_contain_text("已确认")
    sign_out(page)
    # Hours open under a confirmed learning agreement (its own browser test: test_internship_lifecycle.py).
    meet_internship_requirements(Placement.objects.get())

    sign_in(page, "intern@example.com")
    page.goto("/placements/mine/")
    placement = page.get_by_test_id("placement")
    expect(placement).to_contain_text("居家养老服务岗")
    placement.get_by_label("日期").fill(today.isoformat())
    placement.get_by_label("学时").fill("6")
    placement.get_by_label("活动内容").fill("入户探访独居老人")
    placement.get_by_role("button", name="登记学时").click()
    expect(page.get_by_test_id("placement")).to_contain_text("入户探访独居老人")
    assert HourLog.objects.get().hours == 6
