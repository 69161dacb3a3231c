"""The assessment as an evaluation: indicators, scores and grade, values
entered with evidence, fixes followed up the next year, and sign-off."""

import datetime
from decimal import Decimal

import pytest

from placements.models import Evaluation
from reports import evaluation, services
from reports.models import AssessmentReport, Indicator, RequiredFix
from research.models import ExchangeActivity
from tests.research.conftest import pdf_upload

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(kind, base, year, suffix="/"):
    return f"/reports/assessment/{kind}/{base.pk}/{year}{suffix}"


def signed_part(response) -> str:
    """The report below the navigation (whose forms carry a fresh CSRF token)."""
    page = response.content.decode()
    assert 'data-testid="signed"' in page
    return page[page.index('data-testid="evaluation-table"') :]


def rows(base, year, kind="practice"):
    result, _report, _previous = evaluation.evaluation(kind, base, year)
    return {row.source: row for row in result.rows}, result


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (Decimal("95"), "excellent"),
        (Decimal("90"), "excellent"),
        (Decimal("80"), "good"),
        (Decimal("60"), "pass"),
        (Decimal("59.9"), "fail"),
    ],
)
def test_grade_thresholds(total, grade):
    assert evaluation.grade_for(total) == grade


def test_grade_thresholds_come_from_settings(settings):
    settings.ASSESSMENT_GRADE_THRESHOLDS = {"excellent": 95, "good": 85, "pass": 70}
    assert evaluation.grade_for(Decimal(90)) == "good"
    assert evaluation.grade_for(Decimal(65)) == "fail"


def test_practice_indicators_computed_and_scored(city):
    found, result = rows(city.base_a, city.year)
    # 3 seats offered (target 20, weight 15), 2 filled: 67 %.
    assert (found["positions_offered"].value, found["positions_offered"].score) == ("3", "2.3")
    assert found["placement_fill"].value == "67"
    assert found["mentor_score"].value == "85.0" and found["mentor_score"].previous == "70.0"
    # Fewer than five answers: no feedback from the data.
    assert found["trainee_feedback"].value is None and found["trainee_feedback"].score == "0"
    assert result.total is not None and result.grade == evaluation.grade_for(Decimal(result.total))


def test_weights_set_by_administrators_change_the_total(city):
    _found, before = rows(city.base_a, city.year)
    Indicator.objects.filter(base_kind="practice").exclude(source="mentor_score").update(active=False)
    _found, after = rows(city.base_a, city.year)
    # Only the mentor score counts: 85 of a target of 85 is full marks.
    assert after.total == "100.0" and after.grade == "excellent"
    assert before.total != after.total


def test_value_entered_with_evidence_where_the_data_has_none(client, coordinator_a, coordinator_b, city):
    feedback = Indicator.objects.get(base_kind="practice", source="trainee_feedback")
    client.force_login(coordinator_a)
    response = client.post(
        url("practice", city.base_a, city.year, "/enter/"),
        {"indicator": feedback.pk, "value": "4.2", "note": "问卷汇总", "evidence": pdf_upload()},
    )
    assert response.status_code == 302
    found, _result = rows(city.base_a, city.year)
    assert (found["trainee_feedback"].value, found["trainee_feedback"].entered) == ("4.2", True)
    evidence_url = url("practice", city.base_a, city.year, f"/evidence/{found['trainee_feedback'].evidence_entry_id}/")
    assert client.get(evidence_url).status_code == 200
    client.force_login(coordinator_b)
    assert client.get(evidence_url).status_code == 404
    assert (
        client.post(
            url("practice", city.base_a, city.year, "/enter/"), {"indicator": feedback.pk, "value": "5"}
        ).status_code
        == 404
    )


def test_entered_value_needs_evidence(coordinator_a, city):
    feedback = Indicator.objects.get(base_kind="practice", source="trainee_feedback")
    with pytest.raises(services.AssessmentRefused) as refusal:
        services.enter_value(
            kind="practice",
            base=city.base_a,
            year=city.year,
            indicator=feedback,
            value=Decimal(4),
            note="",
            evidence=None,
            by=coordinator_a,
        )
    assert refusal.value.code == "evidence_required"


def test_signed_report_does_not_change_when_the_data_does(client, administrator, city, training_base_a):
    client.force_login(administrator)
    client.post(url("practice", city.base_a, city.year, "/comments/"), {"comments": "调解岗位设置合理"})
    client.post(url("practice", city.base_a, city.year, "/sign/"))
    report = AssessmentReport.objects.get(base_kind="practice", base_id=city.base_a.pk, year=city.year)
    assert report.is_signed and report.signed_by == administrator
    page = signed_part(client.get(url("practice", city.base_a, city.year), **EN))
    xlsx = client.get(url("practice", city.base_a, city.year, ".xlsx")).content
    # The data changes: a mentor's score, a new exchange activity, the weights.
    Evaluation.objects.update(score=Decimal(40))
    ExchangeActivity.objects.create(
        training_base=training_base_a,
        practice_base=city.base_a,
        kind="lecture",
        title="讲座",
        date=datetime.date(city.year, 5, 1),
        place="社区",
        hours=2,
    )
    Indicator.objects.filter(source="mentor_score").update(weight=50)
    assert signed_part(client.get(url("practice", city.base_a, city.year), **EN)) == page
    found, result = rows(city.base_a, city.year)
    assert found["mentor_score"].value == "85.0" and result.comments == "调解岗位设置合理"
    assert client.get(url("practice", city.base_a, city.year, ".xlsx")).content.startswith(xlsx[:2])
    # Nothing changes it any more.
    with pytest.raises(services.AssessmentRefused):
        services.save_comments(kind="practice", base=city.base_a, year=city.year, comments="x", by=administrator)


def test_only_administrators_sign_and_comment(client, coordinator_a, city):
    client.force_login(coordinator_a)
    client.post(url("practice", city.base_a, city.year, "/sign/"))
    client.post(url("practice", city.base_a, city.year, "/comments/"), {"comments": "自评"})
    report = AssessmentReport.objects.filter(base_kind="practice", base_id=city.base_a.pk, year=city.year).first()
    assert report is None or (not report.is_signed and report.comments == "")


def test_fixes_are_followed_up_in_the_next_years_report(client, administrator, coordinator_a, city):
    services.require_fix(
        kind="practice",
        base=city.base_a,
        year=city.year - 1,
        description="补充督导记录",
        due_date=datetime.date(city.year, 6, 30),
        by=administrator,
    )
    services.sign(kind="practice", base=city.base_a, year=city.year - 1, by=administrator)
    fix = RequiredFix.objects.get()
    client.force_login(coordinator_a)
    page = client.get(url("practice", city.base_a, city.year)).content.decode()
    assert 'data-testid="fixes-to-follow"' in page and "补充督导记录" in page
    client.post(
        url("practice", city.base_a, city.year, f"/fixes/{fix.pk}/"), {"status": "done", "follow_up": "已建立台账"}
    )
    fix.refresh_from_db()
    assert (fix.status, fix.follow_up) == ("done", "已建立台账")
    # Last year's signed report still lists the fix as it was required.
    previous, _report, _before = evaluation.evaluation("practice", city.base_a, city.year - 1)
    assert previous.fixes == [{"description": "补充督导记录", "due_date": f"{city.year}-06-30", "status": "open"}]


def test_pdf_shows_the_grade(client, administrator, city):
    client.force_login(administrator)
    services.sign(kind="training", base=city.training_base_a, year=city.year, by=administrator)
    response = client.get(url("training", city.training_base_a, city.year, ".pdf"), **EN)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
