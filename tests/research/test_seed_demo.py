from io import StringIO

import pytest
from django.core.management import call_command

from research.models import ExchangeActivity, Output, ResearchProject
from talent.models import LearningClaim, User

pytestmark = pytest.mark.django_db


def test_demo_has_research_on_every_new_page(client):
    call_command("seed_demo", stdout=StringIO())
    assert ResearchProject.objects.count() == 4 and Output.objects.count() == 4
    assert ExchangeActivity.objects.count() == 6
    assert LearningClaim.objects.filter(status="approved").exists()
    assert LearningClaim.objects.filter(status="submitted", proposed=False).exists()
    coordinator = User.objects.get(email="coordinator@demo.example.com")
    client.force_login(coordinator)
    for url, marker in [
        ("/research/", "社区矛盾纠纷调解中的社会工作介入研究"),
        ("/research/activities/", "调解个案研讨会"),
        ("/research/claims/review/", "黑龙江省社会工作年会"),
        ("/research/pairing/", "东风街道"),
    ]:
        assert marker in client.get(url).content.decode(), url
    project = ResearchProject.objects.filter(lead_base__coordinators=coordinator).first()
    assert "调研报告" in client.get(project.get_absolute_url()).content.decode()
    client.force_login(User.objects.get(email="trainee@demo.example.com"))
    page = client.get("/research/claims/").content.decode()
    assert "黑龙江省社会工作年会" in page and 'data-testid="category-totals"' in page
