"""Rosters as committees keep them, and the bad files found by trying them:
extra columns, columns that must agree with the resident ID, kinds that must
agree with the qualification, NUL bytes, Big5, formulas, full-width IDs, and
every message naming the line Excel shows."""

import csv
import io
import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

import rosters
from rosters.models import ImportRecord
from rosters.runner import run_import
from talent.models import Practitioner
from tests.factories import OrganizationFactory, PractitionerFactory, SubDistrictFactory, valid_resident_id

PRACTITIONERS = rosters.get("practitioners")
MALE_ID = valid_resident_id(11)  # sequence digit 1: a man, born 1990-01-01
FEMALE_ID = valid_resident_id(12)
STEMS, BRANCHES = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"  # names without digits


@pytest.fixture(autouse=True)
def _world(db):
    SubDistrictFactory(name="东风街道", code="dongfeng")
    with translation.override("zh-hans"):
        yield


def csv_bytes(headers, rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def load(content: bytes, user, *, name="roster.csv", dry_run=False):
    return run_import(kind=PRACTITIONERS, content=content, file_name=name, user=user, dry_run=dry_run)


def problems(outcome) -> list[tuple[int, str]]:
    return [(problem.line, problem.column) for problem in outcome.problems]


# Real rosters ------------------------------------------------------------------------


def test_a_roster_with_the_columns_committees_keep_imports_and_lists_the_ignored_ones(administrator):
    headers = [
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "民族",
        "政治面貌",
        "学历",
        "身份证号",
        "人员类别",
        "资格等级",
        "备注",
    ]
    rows = [
        ["1", "张伟", "男", "1990-01-01", "汉族", "中共党员", "本科", MALE_ID, "持证社会工作者", "社会工作师", "组长"],
        ["2", "阿依古丽·买买提", "女", "1990/1/1", "维吾尔族", "群众", "大专", FEMALE_ID, "社区工作者", "无", ""],
    ]
    outcome = load(csv_bytes(headers, rows), administrator)
    assert outcome.ok, outcome.problems
    assert outcome.ignored_columns == ["序号", "民族", "备注"]
    zhang = Practitioner.objects.get(resident_id=MALE_ID)
    assert zhang.political_status == "cpc_member" and zhang.education == "bachelor"
    assert Practitioner.objects.get(resident_id=FEMALE_ID).name == "阿依古丽·买买提"


def test_a_sex_that_contradicts_the_resident_id_refuses_that_row_only(administrator):
    rows = [["张伟", "女", MALE_ID], ["李娜", "女", FEMALE_ID]]
    outcome = load(csv_bytes(["姓名", "性别", "身份证号"], rows), administrator, dry_run=True)
    assert problems(outcome) == [(2, "性别")]
    assert "男" in outcome.problems[0].message or "man" in outcome.problems[0].message
    assert outcome.totals["new"] == 1 and outcome.totals["invalid"] == 1


def test_a_birth_date_that_contradicts_the_resident_id_is_refused(administrator):
    outcome = load(csv_bytes(["姓名", "出生日期", "身份证号"], [["张伟", "1991-01-01", MALE_ID]]), administrator)
    assert problems(outcome) == [(2, "出生日期")]
    assert "1990-01-01" in outcome.problems[0].message
    assert not Practitioner.objects.exists()


def test_an_unqualified_person_without_a_kind_is_not_made_a_certified_social_worker(administrator):
    rows = [["张伟", MALE_ID, "无"], ["李娜", FEMALE_ID, "助理社会工作师"]]
    outcome = load(csv_bytes(["姓名", "身份证号", "资格等级"], rows), administrator)
    assert outcome.ok, outcome.problems
    assert Practitioner.objects.get(resident_id=MALE_ID).kind == ""
    assert Practitioner.objects.get(resident_id=FEMALE_ID).kind == Practitioner.Kind.SOCIAL_WORKER


def test_a_certified_social_worker_without_a_qualification_is_refused(administrator):
    outcome = load(
        csv_bytes(["姓名", "身份证号", "人员类别", "资格等级"], [["张伟", MALE_ID, "持证社会工作者", "无"]]),
        administrator,
    )
    assert problems(outcome) == [(2, "人员类别")]


def test_the_preview_lists_new_rows_and_each_change_of_an_updated_row(client, administrator):
    OrganizationFactory(name="东风街道社会工作服务站")
    PractitionerFactory(resident_id=MALE_ID, name="张伟", mobile="13912345678", job_title="社工")
    headers = ["姓名", "身份证号", "手机号码", "职务", "工作单位"]
    rows = [
        ["张伟", MALE_ID, "13912345678", "督导", "东风街道社会工作服务站"],
        *[
            [
                f"李{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉'[n // 10]}",
                valid_resident_id(100 + n),
                "",
                "",
                "",
            ]
            for n in range(60)
        ],
    ]
    outcome = load(csv_bytes(headers, rows), administrator, dry_run=True)
    assert outcome.ok, outcome.problems
    record = outcome.record
    assert (record.new, record.updated) == (60, 1)
    update = record.rows.get(outcome="update")
    assert update.line == 2
    assert {column: (old, new) for column, old, new in update.changes} == {
        "职务": ("社工", "督导"),
        "工作单位": ("", "东风街道社会工作服务站"),
    }
    first_new = record.rows.filter(outcome="new").order_by("line").first()
    assert first_new.line == 3 and first_new.details["姓名"] == rows[1][0]

    client.force_login(administrator)
    url = f"/admin/rosters/importrecord/{record.pk}/change/"
    page = client.get(url, {"show": "new", "page": 2}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-line="53"' in page and 'data-line="3"' not in page  # 50 a page: the second starts at line 53
    changes = client.get(url, {"show": "update"}).content.decode()
    assert "社工 → 督导" in changes


# Bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["cell", "line"])
def test_a_nul_anywhere_is_refused_with_a_chinese_message_and_no_record_left_running(administrator, where):
    content = csv_bytes(["姓名", "身份证号"], [["张伟", MALE_ID], ["李\x00娜", FEMALE_ID]])
    if where == "line":
        content = content.replace(b"\r\n", b"\x00\r\n", 1)
    outcome = load(content, administrator)
    assert problems(outcome) == [(0, "")]
    assert "\\0" in outcome.problems[0].message and "另存" in outcome.problems[0].message
    record = ImportRecord.objects.get(pk=outcome.record.pk)
    assert record.status == ImportRecord.Status.REFUSED and "\x00" not in str(record.problems)
    assert not Practitioner.objects.exists()


def test_a_big5_csv_is_refused_rather_than_imported_as_garbled_names(administrator):
    content = csv_bytes(["name", "resident ID"], [["張偉", MALE_ID], ["陳麗華", FEMALE_ID]], encoding="big5")
    outcome = load(content, administrator)
    assert problems(outcome) == [(0, "")]
    message = outcome.problems[0].message
    assert "UTF-8" in message and "GB18030" in message and "xlsx" in message.lower()
    assert not Practitioner.objects.exists()


def test_a_gbk_csv_with_rare_name_characters_still_imports(administrator):
    content = csv_bytes(["姓名", "身份证号"], [["张喆", MALE_ID], ["王珺", FEMALE_ID]], encoding="gb18030")
    outcome = load(content, administrator)
    assert outcome.ok, outcome.problems


def workbook(rows, *, cached: dict[str, str] | None = None) -> bytes:
    """An XLSX of `rows`; `cached` gives formula cells the value Excel stores beside them."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for cell, value in cached.items():
                    text = re.sub(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v>',
                        text,
                    )
                    text = re.sub(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f></c>',
                        rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v></c>',
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_formula_without_a_stored_value_refuses_its_row_naming_the_formula(administrator):
    rows = [
        ["姓名", "身份证号", "工作单位"],
        ["张伟", MALE_ID, '=HYPERLINK("http://x.cn","服务站")'],
        ["李娜", FEMALE_ID, "服务站"],
    ]
    outcome = load(workbook(rows), administrator, name="r.xlsx", dry_run=True)
    assert problems(outcome) == [(2, "工作单位")]
    assert "公式" in outcome.problems[0].message or "formula" in outcome.problems[0].message
    assert outcome.totals["new"] == 1


def test_a_formula_with_a_stored_value_imports_the_value(administrator):
    rows = [["姓名", "身份证号", "工作单位"], ["张伟", MALE_ID, '=HYPERLINK("http://x.cn","阳光服务站")']]
    outcome = load(workbook(rows, cached={"C2": "阳光服务站"}), administrator, name="r.xlsx")
    assert outcome.ok, outcome.problems
    assert Practitioner.objects.get().organization.name == "阳光服务站"


@pytest.mark.parametrize(
    "typed", ["２３０６０２１９９００１０１００１６", "230602 19900101 0016", "2306021990010100１６"]
)
def test_ids_typed_with_full_width_digits_or_spaces_are_normalised(administrator, typed):
    number = valid_resident_id(1)
    assert number == "230602199001010016"
    outcome = load(csv_bytes(["姓名", "身份证号"], [["张伟", typed]]), administrator)
    assert outcome.ok, outcome.problems
    assert Practitioner.objects.get().resident_id == number


def test_every_message_names_the_line_excel_shows(administrator):
    rows = [["张伟", MALE_ID], ["李娜", "12345"], ["王芳", MALE_ID]]
    outcome = load(csv_bytes(["姓名", "身份证号"], rows), administrator)
    assert problems(outcome) == [(3, "身份证号"), (4, "身份证号")]
    assert "line 2" in outcome.problems[1].message or "第 2 行" in outcome.problems[1].message


def test_each_rows_problems_are_its_own(administrator):
    too_long = "社" * 150  # job title: at most 100 characters, a database error if it got that far
    rows = [["张伟", MALE_ID, too_long], ["李娜", FEMALE_ID, "社工"]]
    outcome = load(csv_bytes(["姓名", "身份证号", "职务"], rows), administrator, dry_run=True)
    assert problems(outcome) == [(2, "职务")]
    assert outcome.totals["new"] == 1
