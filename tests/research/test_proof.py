import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from research import services
from talent import services as talent_services
from talent.models import LearningRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(qualified):
    today = timezone.localdate()
    talent_services.credit_hours(
        practitioner=qualified, hours=Decimal(12), date=today, title="个案管理", source=LearningRecord.Source.COURSE
    )
    talent_services.credit_hours(
        practitioner=qualified,
        hours=Decimal("6.5"),
        date=today,
        title="全国社会工作年会",
        category=LearningRecord.Category.CONFERENCE,
        note="会议",
    )
    # Before the cycle: not on the proof.
    talent_services.credit_hours(
        practitioner=qualified, hours=Decimal(30), date=datetime.date(2020, 1, 1), title="旧课程", note="旧"
    )
    return qualified


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_proof_totals_equal_the_ledger_and_the_verify_page_agrees(client, trainee, ledger):
    client.force_login(trainee)
    client.post("/research/proof/")
    proof = ledger.ce_proofs.get()
    start, end = proof.cycle_start, proof.cycle_end
    in_cycle = LearningRecord.objects.filter(practitioner=ledger, date__gte=start, date__lt=end)
    assert proof.total_hours == sum(r.hours for r in in_cycle) == Decimal("18.5")
    assert proof.totals == {"course": "12.0", "conference": "6.5"}
    response = client.get(proof.get_absolute_url())
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "18.5" in text and "个案管理" in text and "全国社会工作年会" in text and proof.serial in text
    assert "旧课程" not in text
    client.logout()
    page = client.get(f"/research/verify/{proof.verification_code}/").content.decode()
    assert 'data-testid="total">18.5<' in page
    assert ledger.name not in page and proof.masked_holder_name in page


def test_a_newer_proof_supersedes_and_the_old_one_stays_as_issued(trainee, ledger):
    first = services.issue_proof(practitioner=ledger, by=trainee)
    talent_services.credit_hours(
        practitioner=ledger, hours=Decimal(8), date=timezone.localdate(), title="督导", category="supervision", note="x"
    )
    second = services.issue_proof(practitioner=ledger, by=trainee)
    first.refresh_from_db()
    assert first.superseded_at is not None and first.total_hours == Decimal("18.5")
    assert second.total_hours == Decimal("26.5") and second.sequence == first.sequence + 1
    assert second.serial.endswith(f"-R-{second.sequence:06d}")


def test_only_the_holder_and_administrators_get_the_pdf(client, trainee, other_trainee, coordinator_a, ledger):
    proof = services.issue_proof(practitioner=ledger, by=trainee)
    for user in (other_trainee, coordinator_a):
        client.force_login(user)
        assert client.get(proof.get_absolute_url()).status_code == 404
    with pytest.raises(services.ResearchRefused):
        services.issue_proof(practitioner=ledger, by=other_trainee)


def test_unknown_code_is_not_found(client, db):
    assert client.get("/research/verify/0000000000000000000000000/").status_code == 404


def test_a_title_no_font_can_print_is_refused_and_no_serial_is_used(client, trainee, ledger):
    nowhere = "\U00030000"  # CJK Extension G: in none of the certificate's fonts
    talent_services.credit_hours(
        practitioner=ledger, hours=Decimal(2), date=timezone.localdate(), title=f"讲座{nowhere}", note="x"
    )
    with pytest.raises(services.ResearchRefused) as refusal:
        services.issue_proof(practitioner=ledger, by=trainee)
    assert refusal.value.code == "missing_glyph" and "U+30000" in refusal.value.message
    assert not ledger.ce_proofs.exists()
    client.force_login(trainee)
    response = client.post("/research/proof/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "U+30000" in response.content.decode()
    # The next proof issued takes the first serial of the year: none was spent.
    LearningRecord.objects.filter(title__contains=nowhere).delete()
    assert services.issue_proof(practitioner=ledger, by=trainee).sequence == 1
