import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from research.models import ExchangeActivity, Output, ResearchProject
from research.selectors import PAIRING_COLUMNS
from tests.factories import PracticeBaseFactory, PractitionerFactory, TrainingBaseFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


def joint_work(training_base, practice_base, n):
    project = ResearchProject.objects.create(
        title=f"课题{training_base.pk}-{practice_base.pk}-{n}",
        lead_base=training_base,
        start_date=datetime.date(YEAR, 1, 1),
        end_date=datetime.date(YEAR, 12, 31),
    )
    project.partner_bases.add(practice_base)
    Output.objects.create(project=project, kind="report", title="报告", date=datetime.date(YEAR, 6, 1))
    for day in range(1, n + 1):
        activity = ExchangeActivity.objects.create(
            training_base=training_base,
            practice_base=practice_base,
            kind="lecture",
            title="讲座",
            date=datetime.date(YEAR, 3, day),
            place="社区",
            hours=2,
        )
        activity.participants.add(PractitionerFactory(), PractitionerFactory())


def page_queries(client, year=YEAR):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/research/pairing/?year={year}")
    assert response.status_code == 200
    return response, len(queries)


def test_pairing_counts_and_fixed_queries(client, administrator, training_base_a, base_a, base_b):
    joint_work(training_base_a, base_a, 2)
    client.force_login(administrator)
    response, small = page_queries(client)
    row = next(r for r in response.context["rows"] if r.practice_base == base_a)
    figures = dict(zip([key for key, _label in PAIRING_COLUMNS], row.values, strict=True))
    assert figures == {
        "placements": 0,
        "projects": 1,
        "activities": 2,
        "activity_hours": 4,
        "participant_hours": 8,
        "outputs": 1,
    }
    for _n in range(3):
        joint_work(TrainingBaseFactory(), PracticeBaseFactory(), 3)
    _response, larger = page_queries(client)
    assert larger == small


def test_coordinator_sees_only_pairs_of_their_bases(client, coordinator_b, training_base_a, base_a, base_b):
    joint_work(training_base_a, base_a, 1)
    joint_work(training_base_a, base_b, 1)
    client.force_login(coordinator_b)
    response, _queries = page_queries(client)
    assert {row.practice_base for row in response.context["rows"]} == {base_b}


def test_pairing_exports_what_the_page_shows(client, administrator, training_base_a, base_a):
    joint_work(training_base_a, base_a, 1)
    client.force_login(administrator)
    response = client.get(f"/research/pairing.xlsx?year={YEAR}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][:2] == (training_base_a.name, base_a.name)
    assert rows[1][2:] == (0, 1, 1, 2, 4, 1)


def test_trainees_have_no_pairing(client, trainee):
    client.force_login(trainee)
    assert client.get("/research/pairing/").status_code == 403
