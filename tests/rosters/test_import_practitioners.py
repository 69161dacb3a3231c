"""Practitioner rosters through `run_import`: the formats people have, the
mistakes they make, all-or-nothing, round trips and the audit trail."""

import csv
import datetime
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils import translation
from openpyxl import Workbook

import rosters
from rosters.models import ImportRecord
from rosters.runner import run_import
from talent.models import Organization, Practitioner
from talent.resources import PractitionerResource
from tests.factories import (
    OrganizationFactory,
    PractitionerFactory,
    SubDistrictFactory,
    numbered_name,
    valid_resident_id,
)

DATA = Path(__file__).resolve().parents[1] / "data"
PRACTITIONERS = rosters.get("practitioners")


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def sub_districts(db):
    return [SubDistrictFactory(name="东风街道", code="dongfeng"), SubDistrictFactory(name="会战街道", code="huizhan")]


def rid(n: int) -> str:
    """Distinct valid resident IDs for any n."""
    return valid_resident_id(n, born=datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000))


def load(name: str, user, *, dry_run=False, content=None, **kwargs):
    content = (DATA / name).read_bytes() if content is None else content
    return run_import(kind=PRACTITIONERS, content=content, file_name=name, user=user, dry_run=dry_run, **kwargs)


def csv_bytes(rows, headers=("姓名", "身份证号"), encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("name", ["practitioners_zh.xlsx", "practitioners_gb18030.csv", "practitioners_utf8_bom.csv"])
def test_sample_files_preview_then_import_the_same_three_people(name, administrator, sub_districts):
    preview = load(name, administrator, dry_run=True)
    assert preview.ok, preview.problems
    assert preview.totals == {"new": 3, "update": 0, "skip": 0, "invalid": 0, "error": 0}
    assert Practitioner.objects.count() == 0 and Organization.objects.count() == 0
    assert "东风街道社会工作服务站、大庆市第一中学" in preview.notices[0]

    outcome = load(name, administrator)
    assert outcome.ok and outcome.totals["new"] == 3
    zhang = Practitioner.objects.get(name="张伟")
    assert zhang.qualification_level == Practitioner.QualificationLevel.INTERMEDIATE
    assert zhang.kind == Practitioner.Kind.SOCIAL_WORKER
    assert zhang.organization.kind == Organization.Kind.AGENCY
    assert sorted(zhang.specialties.values_list("code", flat=True)) == ["community", "elderly"]
    assert zhang.sub_district.name == "东风街道"
    assert str(zhang.registration_date) == "2025-03-01"
    li = Practitioner.objects.get(name="李娜")
    assert li.mobile == "13912345672"  # +86 and spaces removed
    assert li.organization.kind == Organization.Kind.SCHOOL
    wang = Practitioner.objects.get(name="王芳")
    assert str(wang.registration_date) == "2024-09-01"
    assert wang.organization == zhang.organization
    assert wang.qualification_level == Practitioner.QualificationLevel.ASSISTANT


def test_english_headers_and_codes_are_accepted(administrator, sub_districts):
    rid = valid_resident_id(21)
    content = csv_bytes(
        [["Zhao Lei", rid, "intermediate", "community,youth", "huizhan"]],
        headers=("Name", "Resident ID", "Qualification level", "Specialties", "Sub-district"),
        encoding="utf-8",
    )
    outcome = load("english.csv", administrator, content=content)
    assert outcome.ok, outcome.problems
    person = Practitioner.objects.get(resident_id=rid)
    assert person.qualification_level == "intermediate"
    assert person.sub_district.code == "huizhan"
    assert set(person.specialties.values_list("code", flat=True)) == {"community", "youth"}


def test_reimporting_the_same_file_changes_nothing(administrator, sub_districts):
    load("practitioners_utf8_bom.csv", administrator)
    entries = LogEntry.objects.count()
    again = load("practitioners_utf8_bom.csv", administrator)
    assert again.totals == {"new": 0, "update": 0, "skip": 3, "invalid": 0, "error": 0}
    assert LogEntry.objects.count() == entries


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_reimport_gives_no_changes(file_format, administrator, sub_districts):
    load("practitioners_zh.xlsx", administrator)
    # Names cannot hold a formula (talent/names.py); a job title can.
    PractitionerFactory(job_title="=HYPERLINK(1)", organization=OrganizationFactory(name="@单位"))
    data = PractitionerResource(user=administrator).export(Practitioner.objects.all())
    content = ("\ufeff" + data.export("csv")).encode() if file_format == "csv" else data.export("xlsx")
    outcome = load(f"export.{file_format}", administrator, content=content)
    # The escaped name comes back with its quote: it is changed, on purpose,
    # rather than run as a formula. Everyone else is unchanged.
    assert outcome.totals["skip"] == 3, outcome.problems
    assert outcome.totals["update"] == 1


def test_export_escapes_formulae_and_masks_ids_for_non_administrators(coordinator_a, administrator, base_a):
    person = PractitionerFactory(name="+SUM(A1)", job_title="-1", sub_district=base_a.sub_district)
    masked = PractitionerResource(user=coordinator_a).export(Practitioner.objects.filter(pk=person.pk)).dict[0]
    with translation.override("zh-hans"):
        assert masked["姓名"] == "'+SUM(A1)"
        assert masked["职务"] == "'-1"
        assert masked["身份证号"] == person.masked_resident_id != person.resident_id
    full = PractitionerResource(user=administrator).export(Practitioner.objects.filter(pk=person.pk)).dict[0]
    assert full["身份证号"] == person.resident_id


def test_an_update_is_audited_with_its_changes_and_actor(administrator, sub_districts):
    load("practitioners_utf8_bom.csv", administrator)
    zhang = Practitioner.objects.get(name="张伟")
    content = csv_bytes([["张伟", zhang.resident_id, "高级社会工作师"]], headers=("姓名", "身份证号", "职业资格等级"))
    outcome = load("update.csv", administrator, content=content)
    assert outcome.totals["update"] == 1
    zhang.refresh_from_db()
    assert zhang.qualification_level == Practitioner.QualificationLevel.SENIOR
    assert zhang.mobile == "13912345671"  # columns not in the file are left alone
    entry = LogEntry.objects.get_for_object(zhang).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == administrator
    assert entry.changes == {"qualification_level": ["intermediate", "senior"]}
    assert entry.additional_data == {"import": outcome.record.pk}
    created = LogEntry.objects.get_for_object(zhang).filter(action=LogEntry.Action.CREATE).get()
    assert created.actor == administrator


def test_bad_check_digit_is_reported_by_row_and_column_and_nothing_is_written(administrator, sub_districts):
    outcome = load("broken_check_digit.csv", administrator)
    assert not outcome.ok
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "身份证号")]
    assert "校验码" in outcome.problems[0].message
    assert Practitioner.objects.count() == 0 and Organization.objects.count() == 0
    assert outcome.record.status == ImportRecord.Status.REFUSED


def test_duplicate_id_in_the_file_names_the_first_row(administrator, sub_districts):
    outcome = load("broken_duplicate_id.csv", administrator)
    assert [(p.row, p.column) for p in outcome.problems] == [(4, "身份证号")]
    # Named by its line in Excel: data row 1 is line 2.
    assert "第 2 行" in outcome.problems[0].message
    assert Practitioner.objects.count() == 0


def test_unknown_columns_are_ignored_and_named(administrator, sub_districts):
    outcome = load("extra_columns.csv", administrator)
    assert outcome.ok, outcome.problems
    assert outcome.ignored_columns == ["籍贯"] and outcome.record.ignored_columns == ["籍贯"]
    assert Practitioner.objects.count() == 3


def test_unknown_organization_kind_is_an_error_in_its_column(administrator, sub_districts):
    outcome = load("broken_organization_kind.csv", administrator)
    assert [(p.row, p.column) for p in outcome.problems] == [(1, "单位类型")]
    assert "外星机构" in outcome.problems[0].message
    assert not Organization.objects.filter(name="新成立的服务社").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken_truncated.xlsx", None, "损坏"),
        ("broken_empty.csv", None, "空"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "密码"),
        ("latin.csv", "姓名,身份证号\n".encode("utf-16-le")[:-1] + b"\x80\xff\xfe\x81\x30", "GB18030"),
        ("notes.docx", b"hello", ".xlsx"),
        ("archive.xlsx", None, "不是 Excel"),
    ],
)
def test_unreadable_files_get_a_clear_message(name, content, expected, administrator):
    if name == "archive.xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
        content = buffer.getvalue()
    outcome = load(name, administrator, content=content)
    assert not outcome.ok
    assert expected in outcome.problems[0].message, outcome.problems[0].message


def test_zip_bomb_is_refused_before_it_is_unpacked(administrator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    outcome = load("bomb.xlsx", administrator, content=buffer.getvalue())
    assert not outcome.ok and "拒绝" in outcome.problems[0].message


def test_size_and_row_limits_refuse_the_file_up_front(administrator, settings, sub_districts):
    rows = [["某人", valid_resident_id(n)] for n in range(20)]
    settings.IMPORT_MAX_ROWS = 10
    outcome = load("many.csv", administrator, content=csv_bytes(rows))
    assert not outcome.ok and "10" in outcome.problems[0].message
    settings.IMPORT_MAX_ROWS = 200_000
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    outcome = load("big.csv", administrator, content=csv_bytes(rows))
    assert not outcome.ok and "100" in outcome.problems[0].message
    assert Practitioner.objects.count() == 0


def test_id_stored_as_a_number_in_excel_is_explained(administrator, sub_districts, tmp_path):
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", 230602199001011234])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = load("numbers.xlsx", administrator, content=buffer.getvalue())
    assert [p.column for p in outcome.problems] == ["身份证号"]


def test_one_bad_row_in_a_thousand_writes_nothing_and_names_that_row(administrator, sub_districts):
    rows = [[numbered_name(n, surname="学员"), rid(n)] for n in range(1000)]
    rows[998][1] = rows[998][1][:17] + ("0" if rows[998][1][17] != "0" else "1")
    outcome = load("thousand.csv", administrator, content=csv_bytes(rows))
    assert [(p.row, p.column) for p in outcome.problems] == [(999, "身份证号")]
    assert outcome.problems[0].line == 1000
    assert outcome.totals["invalid"] == 1
    assert Practitioner.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_confirmation_writes_nothing_if_the_data_changed_since_the_preview(administrator, sub_districts):
    preview = load("practitioners_utf8_bom.csv", administrator, dry_run=True)
    PractitionerFactory(resident_id=valid_resident_id(11), name="张伟")  # someone added one meanwhile
    outcome = load("practitioners_utf8_bom.csv", administrator, expected=preview.totals)
    assert not outcome.ok and "预览" in outcome.problems[0].message
    assert Practitioner.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_the_database_refuses_rolls_back_the_whole_import(administrator, sub_districts):
    """A trigger stands in for any refusal the checks cannot foresee."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_name() RETURNS trigger AS $$ BEGIN "
                "IF NEW.name = '拒绝' THEN RAISE EXCEPTION 'refused by trigger'; END IF; RETURN NEW; END; "
                "$$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON talent_practitioner FOR EACH ROW EXECUTE FUNCTION refuse_name()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON talent_practitioner WHEN NEW.name = '拒绝' "
                "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
            )
    try:
        rows = [[numbered_name(n, surname="学员"), rid(n)] for n in range(3000)]
        rows[2500][0] = "拒绝"
        outcome = load("refused.csv", administrator, content=csv_bytes(rows))
        assert not outcome.ok
        assert "refused by trigger" in " ".join(p.message for p in outcome.problems)
        assert Practitioner.objects.count() == 0
        assert outcome.record.status == ImportRecord.Status.REFUSED
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER refuse" + (" ON talent_practitioner" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION refuse_name()")


def test_every_import_is_recorded_with_file_hash_and_row_outcomes(administrator, sub_districts):
    content = (DATA / "practitioners_utf8_bom.csv").read_bytes()
    outcome = load("practitioners_utf8_bom.csv", administrator)
    record = ImportRecord.objects.get(pk=outcome.record.pk)
    assert record.user == administrator and record.kind == "practitioners" and not record.dry_run
    assert record.file_sha256 == hashlib.sha256(content).hexdigest()
    assert record.file_size == len(content)
    assert (record.new, record.updated, record.unchanged, record.invalid) == (3, 0, 0, 0)
    assert list(record.rows.values_list("line", "outcome")) == [(2, "new"), (3, "new"), (4, "new")]
    created = {str(pk) for pk in Practitioner.objects.values_list("pk", flat=True)}
    assert {str(pk) for pk in record.rows.values_list("object_id", flat=True)} == created
    assert record.status == ImportRecord.Status.IMPORTED and record.finished_at
