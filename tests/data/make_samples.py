"""Writes the sample roster files in this folder, as Chinese Excel and WPS
save them. Run from the repository root: .venv/bin/python tests/data/make_samples.py

The files are committed; this script says how they were made.
"""

import csv
import io
import sys
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from talent.resident_id import check_character

HERE = Path(__file__).resolve().parent
HEADERS_ZH = [
    "姓名",
    "身份证号",
    "手机号码",
    "工作单位",
    "单位类型",
    "人员类别",
    "职业资格等级",
    "登记日期",
    "专业领域",
    "街道",
]


def resident_id(n: int) -> str:
    first_17 = f"23060219900101{n:03d}"[:17]
    return first_17 + check_character(first_17)


ROWS = [
    [
        "张伟",
        resident_id(11),
        "13912345671",
        "东风街道社会工作服务站",
        "社会工作服务机构",
        "持证社会工作者",
        "社会工作师",
        "2025-03-01",
        "社区、老年",
        "东风街道",
    ],
    ["李娜", resident_id(12), "+86 139 1234 5672", "大庆市第一中学", "学校", "学生", "无", "", "青少年", "会战街道"],
    [
        "王芳",
        resident_id(13).lower().replace("x", "x"),
        "13912345673",
        "东风街道社会工作服务站",
        "",
        "社区工作者",
        "助理社会工作师",
        "2024/9/1",
        "",
        "东风街道",
    ],
]


def write_csv(name: str, rows, encoding: str, headers=HEADERS_ZH) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    (HERE / name).write_bytes(out.getvalue().encode(encoding))


def main() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    sheet.append(HEADERS_ZH)
    for row in ROWS:
        sheet.append(row)
    workbook.save(HERE / "practitioners_zh.xlsx")
    write_csv("practitioners_gb18030.csv", ROWS, "gb18030")
    write_csv("practitioners_utf8_bom.csv", ROWS, "utf-8-sig")

    bad_digit = [row[:] for row in ROWS]
    bad_digit[1][1] = bad_digit[1][1][:17] + ("1" if bad_digit[1][1][17] != "1" else "2")
    write_csv("broken_check_digit.csv", bad_digit, "utf-8-sig")
    duplicate = [*ROWS, ["张伟二", ROWS[0][1], "13912345679", "", "", "志愿者", "", "", "", ""]]
    write_csv("broken_duplicate_id.csv", duplicate, "utf-8-sig")
    write_csv("extra_columns.csv", [[*row, "备注"] for row in ROWS], "utf-8-sig", [*HEADERS_ZH, "籍贯"])
    bad_kind = [row[:] for row in ROWS]
    bad_kind[0][3], bad_kind[0][4] = "新成立的服务社", "外星机构"
    write_csv("broken_organization_kind.csv", bad_kind, "utf-8-sig")
    whole = (HERE / "practitioners_zh.xlsx").read_bytes()
    (HERE / "broken_truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    (HERE / "broken_empty.csv").write_bytes(b"")


if __name__ == "__main__":
    main()
