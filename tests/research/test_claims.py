import datetime
from decimal import Decimal

import pytest

from notifications.models import Notification
from research import services
from research.models import ExchangeActivity, ResearchProject
from talent import claims
from talent import services as talent_services
from talent.models import LearningClaim, LearningRecord, Practitioner
from tests.research.conftest import pdf_upload

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 10)


def claim(practitioner, training_base, *, category="publication", quantity="1", evidence=None, title="论文"):
    return talent_services.submit_claim(
        practitioner=practitioner,
        by=practitioner.user,
        category=category,
        date=DAY,
        quantity=Decimal(quantity),
        title=title,
        evidence=evidence or pdf_upload(content=b"%PDF-1.4 " + title.encode()),
        review_scope=services.training_scope(training_base),
        review_scope_label=training_base.name,
    )


def test_conversion_by_category(settings):
    assert claims.convert("publication", Decimal(2)) == Decimal(20)
    assert claims.convert("conference", Decimal("1.5")) == Decimal(9)
    assert claims.convert("supervision", Decimal("3.5")) == Decimal("3.5")
    settings.CONTINUING_EDUCATION_CATEGORIES = {
        **settings.CONTINUING_EDUCATION_CATEGORIES,
        "publication": {"unit": "item", "hours_per_unit": 12, "cap_percent": 30},
    }
    assert claims.convert("publication", Decimal(2)) == Decimal(24)


def test_cap_applies_when_crediting(qualified, training_base_a, coordinator_a):
    # 30% of 90 hours: at most 27 hours of publications in the cycle.
    first = claim(qualified, training_base_a, quantity="2", title="论文一")
    second = claim(qualified, training_base_a, quantity="1", title="论文二")
    third = claim(qualified, training_base_a, quantity="1", title="论文三")
    assert services.review_claim(claim=first, reviewer=coordinator_a, approve=True).credited_hours == 20
    assert services.review_claim(claim=second, reviewer=coordinator_a, approve=True).credited_hours == 7
    third = services.review_claim(claim=third, reviewer=coordinator_a, approve=True)
    assert third.credited_hours == 0 and third.record is None
    records = LearningRecord.objects.filter(practitioner=qualified, category="publication")
    assert sorted(r.hours for r in records) == [7, 20]
    totals = {t.category: t for t in claims.category_totals(qualified, DAY)}
    assert totals["publication"].hours == 27 and totals["publication"].cap == 27
    assert totals["course"].cap is None


def test_rejection_needs_a_reason_and_tells_the_claimant(qualified, training_base_a, coordinator_a):
    pending = claim(qualified, training_base_a)
    with pytest.raises(services.ResearchRefused) as refusal:
        services.review_claim(claim=pending, reviewer=coordinator_a, approve=False, reason="  ")
    assert refusal.value.code == "reason_required"
    services.review_claim(claim=pending, reviewer=coordinator_a, approve=False, reason="证明材料不清晰")
    pending.refresh_from_db()
    assert pending.status == LearningClaim.Status.REJECTED and not LearningRecord.objects.exists()
    notice = Notification.objects.get(kind="research.claim_reviewed", user=qualified.user)
    assert "证明材料不清晰" in notice.body


def test_only_the_bases_reviewers_review(
    client, qualified, training_base_a, coordinator_b, coordinator_a, administrator
):
    pending = claim(qualified, training_base_a)
    with pytest.raises(services.ResearchRefused):
        services.review_claim(claim=pending, reviewer=coordinator_b, approve=True)
    client.force_login(coordinator_b)
    assert client.post(f"/research/claims/{pending.pk}/review/", {"decision": "approve"}).status_code == 404
    assert client.get(f"/research/claims/{pending.pk}/evidence/").status_code == 404
    assert "论文" not in client.get("/research/claims/review/").content.decode()
    client.force_login(coordinator_a)
    assert client.get(f"/research/claims/{pending.pk}/evidence/").status_code == 200
    client.post(f"/research/claims/{pending.pk}/review/", {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.status == LearningClaim.Status.APPROVED


def test_duplicate_evidence_is_flagged(client, qualified, other_trainee, training_base_a, coordinator_a):
    same = b"%PDF-1.4 the same scan"
    claim(qualified, training_base_a, evidence=pdf_upload(content=same), title="会议一")
    other = Practitioner.objects.get(user=other_trainee)
    claim(other, training_base_a, evidence=pdf_upload("copy.pdf", content=same), title="会议二")
    claim(qualified, training_base_a, title="会议三")
    flagged = dict(LearningClaim.objects.with_duplicate_evidence().values_list("title", "duplicate_evidence"))
    assert flagged == {"会议一": True, "会议二": True, "会议三": False}
    client.force_login(coordinator_a)
    assert client.get("/research/claims/review/").content.decode().count('data-testid="duplicate-evidence"') == 2


def test_claim_form_refuses_a_renamed_file(client, trainee, training_base_a):
    client.force_login(trainee)
    fake = pdf_upload("scan.pdf", content=b"GIF89a not a pdf")
    response = client.post(
        "/research/claims/",
        {
            "category": "conference",
            "title": "年会",
            "date": "2026-05-01",
            "quantity": "1",
            "review_scope": f"training:{training_base_a.pk}",
            "evidence": fake,
        },
    )
    assert response.status_code == 200 and not LearningClaim.objects.exists()
    client.post(
        "/research/claims/",
        {
            "category": "conference",
            "title": "年会",
            "date": "2026-05-01",
            "quantity": "1",
            "review_scope": f"training:{training_base_a.pk}",
            "evidence": pdf_upload(),
        },
    )
    assert LearningClaim.objects.get().hours == 6


def test_exchange_activity_proposes_hours_to_the_reviewer(client, coordinator_a, training_base_a, base_a, qualified):
    client.force_login(coordinator_a)
    response = client.post(
        "/research/activities/new/",
        {
            "training_base": training_base_a.pk,
            "practice_base": base_a.pk,
            "kind": "case_seminar",
            "title": "调解个案研讨",
            "date": "2026-04-02",
            "place": "东风街道社工站",
            "hours": "3",
            "participants": qualified.resident_id,
        },
    )
    assert response.status_code == 302
    activity = ExchangeActivity.objects.get()
    proposed = LearningClaim.objects.get(practitioner=qualified)
    assert (proposed.category, proposed.hours, proposed.proposed) == ("exchange", 3, True)
    assert proposed.review_scope == f"training:{training_base_a.pk}"
    # Recording the same activity's proposals again changes nothing.
    services.record_activity(activity=activity, by=coordinator_a, participants=[qualified])
    assert LearningClaim.objects.count() == 1


def test_activity_only_between_own_bases(coordinator_b, training_base_a, base_a, qualified):
    activity = ExchangeActivity(
        training_base=training_base_a, practice_base=base_a, kind="lecture", title="x", date=DAY, place="x", hours=2
    )
    with pytest.raises(services.ResearchRefused):
        services.record_activity(activity=activity, by=coordinator_b, participants=[qualified])


def test_concluded_project_proposes_research_hours(project, coordinator_a, qualified):
    project.status = ResearchProject.Status.CONCLUDED
    services.save_project(project=project, by=coordinator_a, partner_bases=project.partner_bases.all())
    proposed = LearningClaim.objects.get(practitioner=qualified)
    assert (proposed.category, proposed.hours) == ("research", 20)


def test_claims_awaiting_digest(qualified, training_base_a, coordinator_a, coordinator_b):
    from notifications.reminders import run

    claim(qualified, training_base_a)
    run(DAY, kinds_only=["research.claims_awaiting"])
    assert Notification.objects.filter(kind="research.claims_awaiting", user=coordinator_a).count() == 1
    assert not Notification.objects.filter(kind="research.claims_awaiting", user=coordinator_b).exists()
