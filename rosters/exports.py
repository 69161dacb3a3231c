"""Spreadsheet downloads (XLSX and CSV) for every app's exports."""

import tablib
from django.http import Http404, HttpResponse

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# A cell starting with one of these runs as a formula in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these in a sheet's name, and names longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_title(title) -> str:
    """A sheet name Excel accepts, saying what the sheet holds."""
    return str(title).translate(_SHEET_TITLE_FORBIDDEN).strip()[:31] or "Sheet1"


def dataset(headers: list[str], rows, *, title) -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(h) for h in headers], title=sheet_title(title))
    for row in rows:
        data.append([escape_formula(value) for value in row])
    return data


def download(data: tablib.Dataset, *, filename: str, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    # CSV gets a byte-order mark so that Chinese Excel reads it as UTF-8.
    content = "\ufeff" + data.export("csv") if file_format == "csv" else data.export("xlsx")
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
