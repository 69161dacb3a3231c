import io
import re
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import assessment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def figures(report):
    return {m.key: (m.value, m.previous) for m in report.metrics}


def test_training_base_figures_with_the_year_before(city):
    assert figures(assessment.training_assessment(city.training_base_a, city.year)) == {
        "sessions": (2, 1),
        "trainees": (6, 2),
        "completion_rate": (83, 50),
        "hours": (Decimal(20), Decimal(10)),
        "certificates": (2, 1),
    }
    assert figures(assessment.training_assessment(city.training_base_b, city.year)) == {
        "sessions": (1, 0),
        "trainees": (2, 0),
        "completion_rate": (50, None),
        "hours": (Decimal(8), Decimal(0)),
        "certificates": (0, 0),
    }


def test_practice_base_figures_with_the_year_before(city):
    assert figures(assessment.practice_assessment(city.base_a, city.year)) == {
        "offered": (3, 4),
        "filled": (2, 1),
        "approved_hours": (Decimal(14), Decimal(10)),
        "evaluation": (Decimal("85.0"), Decimal("70.0")),
        "certificates": (0, 1),
    }
    assert figures(assessment.practice_assessment(city.base_b, city.year)) == {
        "offered": (2, 0),
        "filled": (1, 0),
        "approved_hours": (Decimal(4), 0),
        "evaluation": (None, None),
        "certificates": (1, 0),
    }


def url(kind, base, year, suffix="/"):
    return f"/reports/assessment/{kind}/{base.pk}/{year}{suffix}"


def test_report_page_shows_both_years(client, coordinator_a, city):
    client.force_login(coordinator_a)
    response = client.get(url("practice", city.base_a, city.year), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-metric="filled" data-value="2" data-previous="1"' in page
    assert 'data-metric="evaluation" data-value="85.0" data-previous="70.0"' in page
    assert url("practice", city.base_a, city.year, ".xlsx") in page
    assert url("practice", city.base_a, city.year, ".pdf") in page


# Session, user, groups, the administrator's authenticator app (talent/mfa.py),
# the unread notifications, the base; the figures (training 3, practice 5);
# the report rows of both years, the indicators, the year menu's forms;
# research figures (training: outputs and activities; practice: projects
# hosted in each year and activities) and, for practice bases, the trainees'
# site feedback of both years.
@pytest.mark.parametrize(("kind", "expected"), [("training", 17), ("practice", 22)])
def test_report_query_count_is_fixed(client, administrator, city, kind, expected, django_assert_max_num_queries):
    base = city.training_base_a if kind == "training" else city.base_a
    client.force_login(administrator)
    with CaptureQueriesContext(connection) as queries:
        client.get(url(kind, base, city.year))
    with django_assert_max_num_queries(len(queries)):
        client.get(url(kind, base, city.year - 1))
    assert len(queries) <= expected


def test_coordinator_cannot_see_another_bases_report(client, coordinator_b, city):
    client.force_login(coordinator_b)
    assert client.get(url("practice", city.base_a, city.year)).status_code == 404
    assert client.get(url("training", city.training_base_a, city.year)).status_code == 404
    assert client.get(url("training", city.training_base_a, city.year, ".xlsx")).status_code == 404
    assert client.get(url("practice", city.base_a, city.year, ".pdf")).status_code == 404
    assert client.get(url("practice", city.base_b, city.year)).status_code == 200


def test_unknown_kind_or_year_is_not_found(client, administrator, city):
    client.force_login(administrator)
    assert client.get(url("school", city.base_a, city.year)).status_code == 404
    assert client.get(url("practice", city.base_a, 1990)).status_code == 404


def test_trainees_cannot_see_reports(client, trainee, city):
    client.force_login(trainee)
    assert client.get("/reports/assessment/").status_code == 403
    assert client.get(url("practice", city.base_a, city.year)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, city):
    response = client.get(url("practice", city.base_a, city.year))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_list_shows_only_the_coordinators_bases(client, coordinator_a, city):
    client.force_login(coordinator_a)
    response = client.get("/reports/assessment/", {"year": city.year})
    assert list(response.context["training_bases"]) == [city.training_base_a]
    assert list(response.context["practice_bases"]) == [city.base_a]
    page = response.content.decode()
    assert url("training", city.training_base_a, city.year) in page
    assert url("training", city.training_base_b, city.year) not in page


def test_administrator_list_has_every_base(client, administrator, city):
    client.force_login(administrator)
    response = client.get("/reports/assessment/")
    assert len(response.context["training_bases"]) == 2
    assert len(response.context["practice_bases"]) == 2


def test_xlsx_download_has_the_numbers(client, administrator, city):
    client.force_login(administrator)
    response = client.get(url("training", city.training_base_a, city.year, ".xlsx"), **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][3] == str(city.year) and values[0][5] == str(city.year - 1)
    indicators = {row[0]: row[1:] for row in values[1:5]}
    # Sessions: weight 20, target 6; 2 sessions score 6.7, the year before 1 scores 3.3.
    assert indicators["Sessions run"] == ["20.0", "6.0", "2", "6.7", "1", "3.3"]
    assert indicators["Completion rate (%)"] == ["30.0", "90.0", "83", "27.7", "50", "16.7"]
    assert values[5][0] == "Total" and values[5][3:] == ["34.4", "Fail", "20.0", "Fail"]
    figures = {row[0]: [row[3], row[5]] for row in values[7:] if row[0]}
    assert figures["Sessions run"] == ["2", "1"] and figures["Certificates issued"] == ["2", "1"]


def test_pdf_download_renders_the_report(client, administrator, city):
    client.force_login(administrator)
    response = client.get(url("practice", city.base_a, city.year, ".pdf"), **EN)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(reader.pages[0].extract_text().split())
    assert "东风街道" in text
    assert "85.0" in text and "70.0" in text
    fonts = [str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()]
    # The certificates' set-up: embedded subsets of the CJK face, nothing else.
    assert fonts
    assert all(re.fullmatch(r"/[A-Z]{6}\+.*CJK.*", name) for name in fonts), fonts


def test_dashboards_link_the_assessment(client, administrator, coordinator_a, db):
    for user in (administrator, coordinator_a):
        client.force_login(user)
        assert "/reports/assessment/" in client.get("/").content.decode()
