"""Talent's rules for roster imports: how a file names a person (the resident
ID, normalised however a spreadsheet typed it), their mobile number and name,
the columns that must agree with the resident ID (性别, 出生日期), and the
lookup of a file's people in the registry. The import machinery itself is in
`rosters`; every app whose rows name people uses these."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from rosters.resources import DateWidget, TextWidget
from talent import names, resident_id
from talent.fields import normalize_mobile
from talent.models import Practitioner

#: How people head the resident-ID column, besides its verbose names.
RESIDENT_ID_ALIASES = ["身份证号码", "居民身份证号", "居民身份证号码", "身份证", "公民身份号码", "id number"]
# Rows loaded per query: well under SQLite's limit on query parameters.
CHUNK = 2000

MALE, FEMALE = "male", "female"
SEX_SPELLINGS = {
    "男": MALE,
    "男性": MALE,
    "m": MALE,
    "male": MALE,
    "女": FEMALE,
    "女性": FEMALE,
    "f": FEMALE,
    "female": FEMALE,
}


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def practitioners_by_resident_id(column, *, related: tuple[str, ...] = ()) -> dict[str, Practitioner]:
    """The registry's people whose IDs appear in a file's resident-ID column."""
    ids = sorted({resident_id.normalize(value) for value in column if value})
    found = {}
    people = Practitioner.objects.select_related(*related) if related else Practitioner.objects.all()
    for chunk in chunks(ids):
        found.update((p.resident_id, p) for p in people.filter(resident_id__in=chunk))
    return found


class ResidentIDWidget(TextWidget):
    """A resident ID as spreadsheets hold it: full-width digits, spaces, a
    lower-case x are normalised; a number Excel rounded is refused."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value)
        if "e+" in value.lower() or ("E" in value and "." in value):
            raise ValueError(
                _(
                    "The resident ID was stored as a number in Excel and has lost its last digits. "
                    "Format the column as text and type the IDs again."
                )
            )
        return resident_id.normalize(value)


class MobileWidget(TextWidget):
    """+86 and spaces removed here, so that an unchanged number compares equal."""

    def clean(self, value, row=None, **kwargs):
        return normalize_mobile(super().clean(value))


class NameWidget(TextWidget):
    """A name as the registry keeps it (look-alike dots, spaces, NFC), so that
    an unchanged row compares equal; the model field then validates it."""

    def clean(self, value, row=None, **kwargs):
        return names.normalize_name(super().clean(value))


class SexWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            return SEX_SPELLINGS[value.lower()]
        except KeyError:
            raise ValueError(_("“%(value)s” is not a sex; write 男 or 女.") % {"value": value}) from None


#: The columns rosters carry beside the resident ID that the ID already encodes.
CHECK_ALIASES = {"sex": ["性别", "sex", "gender"], "birth_date": ["出生日期", "出生年月日", "生日", "date of birth"]}


def check_fields() -> dict[str, fields.Field]:
    """性别 and 出生日期, for a resource whose rows name people: read only to
    be checked against the resident ID (`check_against_resident_id`), never stored."""
    return {
        "sex": fields.Field(column_name="sex", widget=SexWidget()),
        "birth_date": fields.Field(column_name="birth_date", widget=DateWidget()),
    }


def check_labels() -> dict:
    return {"sex": _("sex"), "birth_date": _("birth date")}


def check_against_resident_id(resource, number: str, row, errors: dict) -> None:
    """Refuse the row (add to `errors`) when its 性别 or 出生日期 contradicts the resident ID."""
    if not resident_id.is_well_formed(number):
        return  # the ID's own column says what is wrong with it
    born = resident_id.birth_date(number)
    expected = {"sex": MALE if resident_id.is_male(number) else FEMALE, "birth_date": born}
    for column, wanted in expected.items():
        if not str(row.get(column) or "").strip():
            continue
        try:
            value = resource.fields[column].widget.clean(row[column])
        except ValueError as error:
            errors.setdefault(column, []).append(ValidationError(str(error), code=f"{column}_invalid"))
            continue
        if value == wanted:
            continue
        if column == "sex":
            message = _("The sex (%(value)s) contradicts the resident ID, which is a %(expected)s's.") % {
                "value": row[column],
                "expected": _("man") if wanted == MALE else _("woman"),
            }
        else:
            message = _("The birth date (%(value)s) contradicts the resident ID, which gives %(expected)s.") % {
                "value": row[column],
                "expected": wanted.isoformat() if wanted else "—",
            }
        errors.setdefault(column, []).append(ValidationError(message, code=f"{column}_contradicts_id"))
