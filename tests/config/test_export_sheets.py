"""Every spreadsheet download names its sheet after what it holds, in the
reader's language; tablib's default would be "Tablib Dataset"."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from placements.models import Placement, PlacementRound, Position
from rosters import exports
from tests.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def sheet_names(response) -> list[str]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames


@pytest.fixture
def session(training_base_a, trainee):
    session = CourseSessionFactory(course=CourseFactory(base=training_base_a))
    EnrollmentFactory(session=session, trainee=trainee.practitioner)
    return session


@pytest.fixture
def round_with_placement(base_a, trainee):
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="春季实习",
        internship_start=today,
        internship_end=today + datetime.timedelta(days=60),
        preference_deadline=timezone.now() - datetime.timedelta(days=1),
        status=PlacementRound.Status.CONFIRMED,
        required_hours=Decimal(40),
    )
    position = Position.objects.create(round=round, base=base_a, code="A1", title="社区岗", capacity=1)
    Placement.objects.create(
        trainee=trainee.practitioner, round=round, position=position, status=Placement.Status.CONFIRMED
    )
    return round


def test_the_sites_downloads_name_their_sheets_in_chinese(
    client, administrator, session, round_with_placement, training_base_a
):
    client.force_login(administrator)
    year = timezone.localdate().year
    downloads = {
        f"/training/manage/sessions/{session.pk}/roster.xlsx": "花名册",
        f"/placements/manage/rounds/{round_with_placement.pk}/placements.xlsx": "实践实习",
        "/talent/continuing-education.xlsx": "继续教育",
        "/talent/export.xlsx": "人才名单",
        f"/reports/assessment/training/{training_base_a.pk}/{year}.xlsx": f"{year}年度考核评价",
        "/admin/rosters/importrecord/template/practitioners.xlsx": "人才名单",
    }
    assert {url: sheet_names(client.get(url, **ZH)) for url in downloads} == {
        url: [title] for url, title in downloads.items()
    }


def test_the_admins_export_names_its_sheet_in_chinese(client, administrator, trainee):
    client.force_login(administrator)
    form = client.get("/admin/talent/practitioner/export/", **ZH).content.decode()
    xlsx = re.search(r'<option value="(\d+)"[^>]*>xlsx</option>', form)[1]
    columns = dict.fromkeys(re.findall(r'<input type="checkbox" name="([^"]+)"', form), "on")
    assert columns, "the export form offers no columns"
    response = client.post("/admin/talent/practitioner/export/", {"format": xlsx, **columns}, **ZH)
    assert sheet_names(response) == ["人才名单"]


def test_a_sheet_name_excel_would_refuse_is_made_acceptable():
    assert exports.sheet_title("名册: A/B [2026]?") == "名册  A B  2026"
    assert len(exports.sheet_title("很长的名称" * 10)) == 31
