"""Reading the spreadsheets people really have: XLSX from Excel or WPS, and CSV
saved by Chinese Excel (GB18030/GBK), by everything else (UTF-8, with or
without a byte-order mark) or as Excel's "Unicode text" (UTF-16, tabs).

A file is read as a stream of rows, so that memory does not grow with its
length. What can be known about the whole file before a row is imported (its
size, its kind, its encoding, how many rows it has when the file says so) is
checked when it is opened; what can only be seen row by row (a NUL character,
a row past the limit) is refused as the rows go by, and the import that reads
them writes nothing. Every refusal says what to do about it.
"""

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from functools import cached_property
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# Encrypted OOXML and the old binary .xls both are OLE2 compound files.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A real workbook compresses shared strings maybe 10:1; a zip bomb 1000:1.
MAX_COMPRESSION_RATIO = 200
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# Text decoded as GB18030 that is really Big5 (or another double-byte code)
# comes out as private-use characters and rare hanzi; real simplified-Chinese
# rosters are nearly all GB 2312 characters. Above this share of rare hanzi
# the decoding is not trusted.
MAX_RARE_HANZI_SHARE = 0.2
_FORMULA_TAG = re.compile(rb"<f[\s>/]")


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Formula(str):
    """A cell holding a formula whose value the workbook does not store: the
    import refuses its row rather than guess (or drop) the value."""


class Table:
    """The header and the data rows of the first sheet, as lists of strings
    (empty cells as ""), the rows read one at a time.

    `rows_total` is the number of data rows when it is known before reading
    them (always for CSV; for XLSX when the workbook records its size)."""

    def __init__(self, headers: list[str], rows: Callable[[], Iterator[list[str]]], rows_total: int | None):
        self.headers = headers
        self._rows = rows
        self.rows_total = rows_total

    def rows(self) -> Iterator[list[str]]:
        """Data rows, padded or cut to the header's width; blank rows at the end are left out."""
        width = len(self.headers)
        blank_run = 0
        for number, row in enumerate(self._rows(), start=1):
            if number > max_rows() and any(row):
                raise UnreadableFile(too_many_rows_message())
            row = list(row[:width]) + [""] * (width - len(row))
            if not any(row):
                blank_run += 1  # held back until a filled row shows they are not the end
                continue
            for _blank in range(blank_run):
                yield [""] * width
            blank_run = 0
            yield row


def max_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def too_many_rows_message() -> str:
    return _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows.") % {
        "limit": f"{max_rows():,}"
    }


def check_size(size: int) -> None:
    if size > max_bytes():
        raise UnreadableFile(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


class Source:
    """A file's bytes, in memory or on disk, opened afresh for each pass over
    them; a file on disk is never read into memory as a whole."""

    def __init__(self, data: "bytes | os.PathLike[str] | str"):
        self.data = data

    def open(self) -> BinaryIO:
        if isinstance(self.data, bytes):
            return io.BytesIO(self.data)
        return open(self.data, "rb")

    @cached_property
    def size(self) -> int:
        return len(self.data) if isinstance(self.data, bytes) else os.path.getsize(self.data)

    def head(self, length: int) -> bytes:
        with self.open() as stream:
            return stream.read(length)

    def is_blank(self) -> bool:
        with self.open() as stream:
            while chunk := stream.read(1 << 20):
                if chunk.strip():
                    return False
        return True

    def text(self, encoding: str) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.open(), encoding=encoding, newline="")


def open_table(content: "bytes | Source", file_name: str) -> Table:
    """The first sheet of an XLSX, or a CSV, ready to be read row by row."""
    content = content if isinstance(content, Source) else Source(content)
    check_size(content.size)
    if content.is_blank():
        raise UnreadableFile(_("The file is empty."))
    name = file_name.lower()
    head = content.head(len(OLE2_MAGIC))
    if head.startswith(OLE2_MAGIC):
        raise UnreadableFile(
            _(
                "This is a password-protected workbook or an old .xls file. "
                "Remove the password, or save it as .xlsx (Excel Workbook), and try again."
            )
        )
    if head.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        return _xlsx_table(content)
    if name.endswith((".csv", ".txt")):
        return _csv_table(content)
    raise UnreadableFile(_("Only .xlsx and .csv files can be imported."))


def _header(row) -> list[str]:
    headers = [str(cell).strip() for cell in (row or [])]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableFile(_("The first row must hold the column headers; it is empty."))
    return headers


def _refuse_nul(row: list[str], line: int) -> None:
    if any("\x00" in cell for cell in row):
        raise UnreadableFile(
            _(
                "Line %(line)s holds a NUL character (\\0), which no roster contains: the file is damaged or "
                "was not saved as text. Open it in Excel and save it again as .xlsx or “CSV UTF-8”."
            )
            % {"line": line}
        )


# --- CSV ------------------------------------------------------------------------


def _csv_table(content: Source) -> Table:
    encoding = _csv_encoding(content)
    delimiter = _delimiter(content, encoding)

    def reader():
        with content.text(encoding) as stream:
            for row in csv.reader(stream, delimiter=delimiter):
                yield [cell.strip() for cell in row]

    rows = reader()
    headers = _header(next(rows, None))
    # A first pass over the file counts the rows and finds what would make it
    # unreadable, before anything is imported.
    total = filled = 0
    try:
        for line, row in enumerate(rows, start=2):
            _refuse_nul(row, line)
            total += 1
            if any(row):
                filled = total
                if filled > max_rows():
                    raise UnreadableFile(too_many_rows_message())
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None

    def data_rows():
        rows = reader()
        next(rows, None)
        return rows

    return Table(headers, data_rows, filled)


def _delimiter(content: Source, encoding: str) -> str:
    with content.text(encoding) as text:
        first_line = text.readline()
    return "\t" if "\t" in first_line and "," not in first_line else ","


def _csv_encoding(content: Source) -> str:
    """The encoding the whole file decodes in, plausibly; UnreadableFile otherwise."""
    candidates = ("utf-16",) if content.head(2) in (b"\xff\xfe", b"\xfe\xff") else CSV_ENCODINGS
    for encoding in candidates:
        try:
            with content.text(encoding) as text:
                if encoding == "gb18030":
                    if not _plausible_chinese(text, content):
                        continue
                else:
                    while text.read(1 << 20):
                        pass
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(
        _(
            "The CSV file is in none of the encodings tried (UTF-8, GB18030/GBK): it may be in Big5 or another "
            "encoding, which would turn the names into nonsense. Open it in Excel and save it as “CSV UTF-8” or as "
            "an .xlsx workbook, and import that."
        )
    )


def _plausible_chinese(text: io.TextIOWrapper, content: Source) -> bool:
    """Whether text decoded as GB18030 reads as simplified Chinese rather than
    as Big5 (or another double-byte code) misread: no private-use characters,
    hardly any hanzi outside GB 2312, and the common hanzi are more common
    read as GB than the same bytes read as Big5."""
    hanzi = rare = common = 0
    while chunk := text.read(1 << 20):
        for character in chunk:
            if character < "\u2e80":
                continue
            if unicodedata.category(character) == "Co":
                return False
            if "\u4e00" <= character <= "\u9fff" or character >= "\U00020000":
                hanzi += 1
                try:
                    # GB 2312's first level: its 3,755 most used hanzi.
                    common += 0xB0 <= character.encode("gb2312")[0] <= 0xD7
                except UnicodeEncodeError:
                    rare += 1
    if not hanzi:
        return True
    if hanzi >= 20 and rare / hanzi > MAX_RARE_HANZI_SHARE:
        return False
    return common / hanzi >= _big5_common_share(content)


def _big5_common_share(content: Source) -> float:
    """The share of hanzi among Big5's 5,401 most used, if the bytes read as Big5 at all."""
    hanzi = common = 0
    try:
        with content.text("big5") as text:
            while chunk := text.read(1 << 20):
                for character in chunk:
                    if "\u4e00" <= character <= "\u9fff":
                        hanzi += 1
                        code = int.from_bytes(character.encode("big5"), "big")
                        common += 0xA440 <= code <= 0xC67E
    except UnicodeDecodeError:
        return 0.0
    return common / hanzi if hanzi else 0.0


# --- XLSX -----------------------------------------------------------------------


def _damaged() -> UnreadableFile:
    return UnreadableFile(
        _("The Excel file is damaged or incomplete (it may have been cut off while uploading). Save it again.")
    )


def _xlsx_table(content: Source) -> Table:
    from openpyxl import load_workbook

    with content.open() as stream:
        try:
            archive = zipfile.ZipFile(stream)
            members = archive.infolist()
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise _damaged() from None
        unpacked = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if unpacked > 10 * max_bytes() or unpacked / packed > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(_("The Excel file unpacks to far more data than a roster holds; it was refused."))
        if "xl/workbook.xml" not in archive.namelist():
            raise UnreadableFile(_("This is a zip archive, not an Excel workbook."))
        has_formulas = _has_formulas(archive)

    def first_sheet(values_only: bool):
        # A file object, not a path: openpyxl refuses a path without ".xlsx",
        # which the stored preview files have not. Closing the workbook closes it.
        stream = content.open()
        workbook = load_workbook(stream, read_only=True, data_only=values_only)
        workbook.close = _closing(workbook.close, stream)
        return workbook, workbook.worksheets[0]

    def cells():
        """Rows of cell values; a formula without a stored value becomes a Formula."""
        workbook, sheet = first_sheet(values_only=True)
        values = sheet.iter_rows(values_only=True)
        if not has_formulas:
            yield from values
            workbook.close()
            return
        formula_workbook, formula_sheet = first_sheet(values_only=False)
        for row, written in zip(values, formula_sheet.iter_rows(values_only=True), strict=False):
            yield [
                Formula(typed) if value is None and isinstance(typed, str) and typed.startswith("=") else value
                for value, typed in zip(row, written, strict=False)
            ]
        workbook.close()
        formula_workbook.close()

    def text_rows():
        try:
            for line, row in enumerate(cells(), start=1):
                row = [_cell_text(value) for value in row]
                _refuse_nul(row, line)
                yield row
        except UnreadableFile:
            raise
        except Exception:  # openpyxl raises many kinds for broken XML
            raise _damaged() from None

    try:
        workbook, sheet = first_sheet(values_only=True)
        # The size the workbook records, when it does (Excel and WPS do).
        recorded = sheet.max_row if sheet.max_row and sheet.max_row > 1 else None
        workbook.close()
        rows = text_rows()
        headers = _header(next(rows, None))
    except UnreadableFile:
        raise
    except Exception:
        raise _damaged() from None
    total = recorded - 1 if recorded else None
    if total is not None and total > max_rows() * 2:
        # Well past the limit even allowing for trailing blank rows that only carry formatting.
        raise UnreadableFile(too_many_rows_message())

    def data_rows():
        rows = text_rows()
        next(rows, None)
        return rows

    return Table(headers, data_rows, total)


def _closing(close, stream):
    def close_both():
        close()
        stream.close()

    return close_both


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether any sheet holds a formula: only then is the workbook read a
    second time, for the formulas behind the values."""
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as sheet:
                tail = b""
                while chunk := sheet.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value
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
