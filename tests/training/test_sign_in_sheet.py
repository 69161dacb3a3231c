"""The printable sign-in sheet of a meeting, and a filled one imported back."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from tests.factories import OrganizationFactory
from tests.importing import csv_file, problems_of, run
from tests.training.meetings import meeting, past_session, seated
from training.models import Attendance

pytestmark = pytest.mark.django_db
S = Attendance.Status


@pytest.fixture
def session(training_base_a):
    return past_session(training_base_a, course__title="社区矛盾调解实务")


@pytest.fixture
def meeting_(session):
    return meeting(session, place="八一农大 逸夫楼 305", topic="调解技巧")


@pytest.fixture
def people(session):
    organization = OrganizationFactory(name="东风街道社会工作服务站")
    return [
        seated(session, trainee__name=name, trainee__organization=organization)
        for name in ("欧阳娜娜", "阿依古丽·买买提", "张三")
    ]


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_sheet_lists_everyone_with_a_masked_id_and_a_box_to_sign(client, coordinator_a, meeting_, people):
    client.force_login(coordinator_a)
    with translation.override("en"):
        response = client.get(f"/training/manage/meetings/{meeting_.pk}/sign-in-sheet.pdf", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for number, enrollment in enumerate(people, start=1):
        trainee = enrollment.trainee
        assert trainee.name in text
        assert trainee.masked_resident_id in text
        assert trainee.resident_id not in text
        assert f"{number}{trainee.name}" in text.replace(" ", "").replace("\n", "")
    for words in ("Sign-in sheet", "Signature", "社区矛盾调解实务", "逸夫楼", "东风街道社会工作服务站"):
        assert words in text


def import_sheet(content, *, meeting, user, dry_run=False):
    return run("attendance_sheet", content, user=user, dry_run=dry_run, meeting=meeting)


def test_a_filled_sheet_is_read_back_by_number_or_masked_id(administrator, meeting_, people):
    first, second, third = (e.trainee for e in people)
    content = csv_file(
        ["序号", "姓名", "单位", "身份证号", "签到", "备注"],
        [
            ["1", first.name, "东风街道", first.masked_resident_id, "√", ""],
            ["", second.name, "", second.masked_resident_id, "请假", "孩子生病"],
            ["3", third.name, "", "", "", ""],
        ],
    )

    preview = import_sheet(content, meeting=meeting_, user=administrator, dry_run=True)

    assert preview.ok, preview.problems
    assert preview.totals["new"] == 3
    assert not Attendance.objects.exists()
    assert "单位" in preview.ignored_columns

    outcome = import_sheet(content, meeting=meeting_, user=administrator)

    assert outcome.ok
    rows = {a.trainee_id: a for a in Attendance.objects.all()}
    assert rows[first.pk].status == S.PRESENT
    assert (rows[second.pk].status, rows[second.pk].reason) == (S.EXCUSED, "孩子生病")
    assert rows[third.pk].status == S.ABSENT
    assert {a.method for a in rows.values()} == {Attendance.Method.IMPORT}

    again = import_sheet(content, meeting=meeting_, user=administrator)
    assert again.totals["skip"] == 3


def test_sheet_times_make_late_and_left_early(administrator, meeting_, people):
    first, second, _third = (e.trainee for e in people)
    content = csv_file(
        ["序号", "签到", "签到时间", "签退时间"],
        [["1", "√", "09:25", ""], ["2", "√", "", "11:30"]],
    )
    outcome = import_sheet(content, meeting=meeting_, user=administrator)
    assert outcome.ok, outcome.problems
    rows = {a.trainee_id: a for a in Attendance.objects.all()}
    assert rows[first.pk].status == S.LATE
    assert rows[second.pk].status == S.LEFT_EARLY
    assert "张三" in " ".join(outcome.notices)


def test_sheet_problems_name_the_line_and_write_nothing(administrator, meeting_, people):
    first = people[0].trainee
    content = csv_file(
        ["序号", "姓名", "签到", "备注"],
        [
            ["1", "李四", "√", ""],  # the name does not match line 1 of the sheet
            ["9", "", "√", ""],  # no line 9
            ["2", "", "请假", ""],  # excused without a reason
        ],
    )
    outcome = import_sheet(content, meeting=meeting_, user=administrator)
    assert not outcome.ok
    assert problems_of(outcome) == [(1, "name"), (2, "No."), (3, "Signed")], outcome.problems
    assert not Attendance.objects.exists()
    assert first.name in " ".join(p.message for p in outcome.problems)


def test_a_sheet_needs_a_number_or_an_id_column(administrator, meeting_, people):
    outcome = import_sheet(csv_file(["姓名", "签到"], [["张三", "√"]]), meeting=meeting_, user=administrator)
    assert not outcome.ok
    assert "No." in outcome.problems[0].message


def test_the_admin_previews_and_confirms_a_sheet(client, administrator, meeting_, people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from rosters.models import ImportRecord

    client.force_login(administrator)
    url = reverse("admin:rosters_importrecord_new", args=["attendance_sheet"])
    assert client.get(url).status_code == 200
    content = csv_file(["序号", "签到"], [[str(n), "√"] for n in range(1, 4)])
    upload = SimpleUploadedFile("签到表.csv", content, content_type="text/csv")

    client.post(url, {"meeting": meeting_.pk, "file": upload})
    preview = ImportRecord.objects.get(dry_run=True)
    assert preview.new == 3 and not Attendance.objects.exists()
    client.post(reverse("admin:rosters_importrecord_confirm", args=[preview.pk]))

    assert ImportRecord.objects.get(dry_run=False).status == ImportRecord.Status.IMPORTED
    assert Attendance.objects.filter(meeting=meeting_, status=S.PRESENT).count() == 3
