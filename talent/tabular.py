"""Reading the spreadsheets people really have: XLSX from Excel or WPS, and CSV
saved by Chinese Excel (GB18030/GBK), by everything else (UTF-8, with or
without a byte-order mark) or as Excel's "Unicode text" (UTF-16, tabs).

Everything that can go wrong with a file is refused here, before any row is
looked at, with a message that says what to do about it.
"""

import csv
import io
import zipfile
from datetime import date, datetime, time

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# Encrypted OOXML and the old binary .xls both are OLE2 compound files.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A real workbook compresses shared strings maybe 10:1; a zip bomb 1000:1.
MAX_COMPRESSION_RATIO = 200
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def check_size(size: int) -> None:
    if size > max_bytes():
        raise UnreadableFile(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def read_table(content: bytes, file_name: str) -> tablib.Dataset:
    """The first sheet of an XLSX, or a CSV, as a Dataset of strings (empty
    cells as ""), with surrounding spaces stripped and trailing blank rows dropped."""
    check_size(len(content))
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    name = file_name.lower()
    if content.startswith(OLE2_MAGIC):
        raise UnreadableFile(
            _(
                "This is a password-protected workbook or an old .xls file. "
                "Remove the password, or save it as .xlsx (Excel Workbook), and try again."
            )
        )
    if content.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(content)
    else:
        raise UnreadableFile(_("Only .xlsx and .csv files can be imported."))
    return _dataset(rows)


def _dataset(rows) -> tablib.Dataset:
    rows = iter(rows)
    headers = next(rows, None)
    if not headers or not any(headers):
        raise UnreadableFile(_("The first row must hold the column headers; it is empty."))
    width = len(headers)
    limit = max_rows()
    data = []
    for row in rows:
        if len(data) >= limit and any(row):
            raise UnreadableFile(
                _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows.")
                % {"limit": f"{limit:,}"}
            )
        row = list(row[:width]) + [""] * (width - len(row))
        data.append(row)
    while data and not any(data[-1]):
        data.pop()
    dataset = tablib.Dataset(headers=headers)
    dataset.extend(data)
    return dataset


def _csv_rows(content: bytes):
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        rows = [
            [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    return rows


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in CSV_ENCODINGS:
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise UnreadableFile(
        _(
            "The CSV file is in neither UTF-8 nor GB18030/GBK, the encodings Excel and WPS use. "
            "Open it in Excel and save it as “CSV UTF-8” or as an .xlsx workbook."
        )
    )


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    damaged = _("The Excel file is damaged or incomplete (it may have been cut off while uploading). Save it again.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise UnreadableFile(damaged) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > 10 * max_bytes() or unpacked / packed > MAX_COMPRESSION_RATIO:
        raise UnreadableFile(_("The Excel file unpacks to far more data than a roster holds; it was refused."))
    if "xl/workbook.xml" not in archive.namelist():
        raise UnreadableFile(_("This is a zip archive, not an Excel workbook."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The header, the rows allowed, and one more to tell that there are too many.
        wanted = max_rows() + 2
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in row])
            if len(rows) >= wanted and any(rows[-1]):
                break
        workbook.close()
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds for broken XML
        raise UnreadableFile(damaged) from None
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as doubles: a long number typed into a
        # general cell (an ID) has already lost digits, so keep it visibly so.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()
