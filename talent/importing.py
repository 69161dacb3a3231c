"""The machinery every roster import shares, built on django-import-export.

A resource (in each app's `resources.py`) says what the columns mean; this
module reads the file, matches the headers in either language, runs the
resource all-or-nothing, turns import-export's results into one list of
problems (row, column, message), and records the import in `ImportRecord`.
The admin, the `import_roster` command and the benchmark all go through
`run_import`.
"""

import dataclasses
import hashlib
from collections import Counter

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import override as language
from import_export import fields, resources, widgets
from import_export.results import RowResult

from talent import audit, exports, resident_id, tabular
from talent.fields import normalize_mobile
from talent.models import ImportRecord, Practitioner

NEW, UPDATE, SKIP, INVALID, ERROR = OUTCOMES = (
    RowResult.IMPORT_TYPE_NEW,
    RowResult.IMPORT_TYPE_UPDATE,
    RowResult.IMPORT_TYPE_SKIP,
    RowResult.IMPORT_TYPE_INVALID,
    RowResult.IMPORT_TYPE_ERROR,
)
#: How people head the resident-ID column, besides its verbose names.
RESIDENT_ID_ALIASES = ["身份证号码", "居民身份证号", "居民身份证号码", "身份证", "id number"]
# Rows loaded per query: well under SQLite's limit on query parameters.
CHUNK = 2000


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def practitioners_by_resident_id(column) -> dict[str, Practitioner]:
    """The registry's people whose IDs appear in a file's resident-ID column."""
    ids = sorted({resident_id.normalize(value) for value in column if value})
    found = {}
    for chunk in chunks(ids):
        found.update((p.resident_id, p) for p in Practitioner.objects.filter(resident_id__in=chunk))
    return found


# --- Widgets: what people type into a cell -----------------------------------


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its label in either language (社会工作师,
    "Social worker", "intermediate"); exports the label in the user's language."""

    def __init__(self, choices, *, blank=""):
        super().__init__()
        self.choices = choices
        self.blank = blank

    def lookup(self) -> dict[str, str]:
        found = {}
        for code, label in self.choices.choices:
            found[code.lower()] = code
            for lang in ("en", "zh-hans"):
                with language(lang):
                    found[str(label).lower()] = code
        return found

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return self.blank
        if not hasattr(self, "_lookup"):
            self._lookup = self.lookup()
        try:
            return self._lookup[value.lower()]
        except KeyError:
            labels = "、".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(_("“%(value)s” is not one of: %(labels)s.") % {"value": value, "labels": labels}) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class LookupWidget(widgets.Widget):
    """A related row by any of its unique text columns (a sub-district by name
    or code), looked up in a dictionary loaded once per import."""

    def __init__(self, model, keys: tuple[str, ...], *, display: str):
        super().__init__()
        self.model, self.keys, self.display = model, keys, display
        self.cache: dict[str, object] | None = None

    def load(self):
        self.cache = {}
        for obj in self.model.objects.all():
            for key in self.keys:
                self.cache[str(getattr(obj, key)).strip().lower()] = obj

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if self.cache is None:
            self.load()
        try:
            return self.cache[value.lower()]
        except KeyError:
            raise ValueError(
                _("There is no %(what)s “%(value)s”.") % {"what": self.model._meta.verbose_name, "value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.display, "") if value else ""


class TextWidget(widgets.CharWidget):
    """Text as typed, stripped (exports escape formulae in `export_field`)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        # Read back a formula our export escaped ('=…), so a round trip changes nothing.
        if text.startswith("'") and text[1:].startswith(exports.FORMULA_STARTS):
            return text[1:]
        return text


class ResidentIDWidget(TextWidget):
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


class DateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        for candidate in (value, value.replace("/", "-").replace(".", "-"), value[:10]):
            try:
                return super().clean(candidate.replace("年", "-").replace("月", "-").rstrip("日"))
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 2026-09-01.") % {"value": value})


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value)
        except (ValueError, ArithmeticError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value)
        except (ValueError, ArithmeticError):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None


def text_field(attribute, **kwargs):
    return fields.Field(attribute=attribute, column_name=attribute, widget=TextWidget(), **kwargs)


# --- The base resource --------------------------------------------------------


class RosterResource(resources.ModelResource):
    """What every import shares: column headers in either language, checked up
    front; all-or-nothing; unchanged rows skipped; progress reported."""

    #: Extra header spellings people use, per field: {"resident_id": ["身份证号码"]}.
    header_aliases: dict[str, list[str]] = {}
    #: Columns a file must have.
    required_columns: tuple[str, ...] = ()
    #: One example row for the blank template, by field.
    example_row: dict[str, str] = {}
    #: Columns that are read but are not part of the record (left out of the
    #: comparison that finds unchanged rows).
    snapshot_exclude: tuple[str, ...] = ()
    progress_every = 1000

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, user=None, progress=None, import_record=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.progress = progress
        self.import_record = import_record
        self.rows_done = 0
        self.notices: list[str] = []
        self.written: dict[int, int] = {}  # row number → pk of a record created in bulk

    # Headers ---------------------------------------------------------------

    def import_fields(self) -> list[fields.Field]:
        return [field for field in self.get_import_fields() if not field.readonly]

    def column_label(self, field) -> str:
        """The header in the current language: the model field's verbose name."""
        label = self.column_labels().get(field.column_name)
        if label is None:
            try:
                label = self._meta.model._meta.get_field(field.column_name).verbose_name
            except FieldDoesNotExist:
                label = field.column_name
        return str(label)

    def column_labels(self) -> dict:
        """Headers for columns that are not model fields (or read better otherwise)."""
        return {}

    def header_lookup(self) -> dict[str, str]:
        lookup = {}
        for field in self.import_fields():
            spellings = [field.column_name, *self.header_aliases.get(field.column_name, [])]
            for lang in ("en", "zh-hans"):
                with language(lang):
                    spellings.append(self.column_label(field))
            for spelling in spellings:
                lookup[_header_key(spelling)] = field.column_name
        return lookup

    def match_headers(self, dataset) -> None:
        """Rename the file's headers to the resource's column names; refuse
        unknown, repeated or missing columns, naming them."""
        lookup = self.header_lookup()
        renamed, unknown, repeated = [], [], []
        for header in dataset.headers:
            column = lookup.get(_header_key(header))
            if column is None:
                unknown.append(str(header))
            elif column in renamed:
                repeated.append(str(header))
            renamed.append(column or str(header))
        problems = []
        if unknown:
            expected = "、".join(self.column_label(field) for field in self.import_fields())
            problems.append(
                _("Unknown columns: %(columns)s. The columns this import reads are: %(expected)s.")
                % {"columns": "、".join(unknown), "expected": expected}
            )
        if repeated:
            problems.append(_("Columns given twice: %(columns)s.") % {"columns": "、".join(repeated)})
        missing = [self.column_label(self.fields[name]) for name in self.required_columns if name not in renamed]
        if missing:
            problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        if problems:
            raise tabular.UnreadableFile(" ".join(problems))
        dataset.headers = renamed

    def template(self) -> "tablib.Dataset":  # noqa: F821
        fields_ = self.import_fields()
        data = exports.dataset([self.column_label(field) for field in fields_], [], title=self.title())
        data.append([self.example_row.get(field.column_name, "") for field in fields_])
        return data

    def title(self) -> str:
        """What a sheet of this resource holds, in the reader's language."""
        return str(self._meta.name or self._meta.model._meta.verbose_name_plural)

    # Exports: headers in the user's language, formulae escaped --------------

    def get_export_headers(self, selected_fields=None):
        return [self.column_label(field) for field in self.get_export_fields(selected_fields)]

    def export_field(self, field, instance, **kwargs):
        return exports.escape_formula(super().export_field(field, instance, **kwargs))

    def export(self, queryset=None, **kwargs):
        # Every export path (the admin's, the registry's) names the sheet.
        data = super().export(queryset, **kwargs)
        data.title = exports.sheet_title(self.title())
        return data

    # The row loop ----------------------------------------------------------

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not any(str(value).strip() for value in row.values()):
            return True  # a blank line in the middle of a sheet
        if import_validation_errors or instance.pk is None:
            return False
        snapshot = getattr(instance, "_import_snapshot", None)
        return snapshot is not None and snapshot == self.snapshot(instance)

    def snapshot(self, instance) -> dict:
        """What a row can change, to tell an unchanged row without a diff and
        to say in the audit log what an update changed."""
        values = {}
        for column, attname in self._snapshot_attributes():
            value = getattr(instance, attname, None)
            values[column] = getattr(value, "pk", value)
        return values

    def _snapshot_attributes(self) -> list[tuple[str, str]]:
        # Foreign keys by their id column, so that comparing does not load them.
        if not hasattr(self, "_snapshot_attrs"):
            model_fields = {field.name: field for field in self._meta.model._meta.concrete_fields}
            self._snapshot_attrs = [
                (field.column_name, getattr(model_fields.get(field.attribute), "attname", field.attribute))
                for field in self.import_fields()
                if field.attribute and field.column_name not in self.snapshot_exclude
            ]
        return self._snapshot_attrs

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._import_row = kwargs.get("row_number")
        if not new:
            instance._import_snapshot = self.snapshot(instance)

    # Bulk writes (resources with use_bulk) --------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        batch = self._batch(self.create_instances, result)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if batch and not dry_run and not result.has_errors():
            self.written.update((instance._import_row, instance.pk) for instance in batch)
            self.after_bulk_write(batch, created=True)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        batch = self._batch(self.update_instances, result)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if batch and not dry_run and not result.has_errors():
            self.after_bulk_write(batch, created=False)

    def get_bulk_update_fields(self):
        """The model fields the file can change (import-export would name the
        resource's fields, some of which are not columns of the table)."""
        concrete = {field.name for field in self._meta.model._meta.concrete_fields}
        names = [field.attribute for field in self.import_fields() if field.attribute in concrete]
        return [name for name in names if name not in self._meta.import_id_fields] + (
            ["updated_at"] if "updated_at" in concrete else []
        )

    def before_save_instance(self, instance, row, **kwargs):
        if self._meta.use_bulk and instance.pk and hasattr(instance, "updated_at"):
            instance.updated_at = timezone.now()  # bulk_update skips auto_now

    def _batch(self, pending, result):
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            pending.clear()  # the import will be rolled back: stop writing, keep checking rows
        return list(pending)

    def after_bulk_write(self, instances, *, created: bool) -> None:
        """Bulk writes skip save() and its signals: write the audit entries here."""
        audit_bulk_write(self, instances, created=created)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.check_row(instance, row, errors, row_number=kwargs.get("row_number"))
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict, *, row_number: int) -> None:
        """Checks across a row's cells or against earlier rows, after each cell
        was read: add messages to `errors` by field name."""

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        self.rows_done += 1
        if self.progress and self.rows_done % self.progress_every == 0:
            self.progress(self.rows_done)
        return result


def audit_bulk_write(resource, instances, *, created: bool) -> None:
    def import_changes(instance) -> dict:
        if created:
            # The values a record was created with are its current values, or
            # the "before" side of its first later change: not repeated here.
            return {}
        before = getattr(instance, "_import_snapshot", {})
        return {
            column: [_audit_text(before.get(column)), _audit_text(value)]
            for column, value in resource.snapshot(instance).items()
            if before.get(column) != value
        }

    audit.record_bulk(
        instances,
        action=LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE,
        changes=import_changes,
        actor=resource.user if getattr(resource.user, "pk", None) else None,
        additional_data={"import": resource.import_record.pk} if resource.import_record else None,
    )


def _audit_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, frozenset | set | list | tuple):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def _header_key(header) -> str:
    return "".join(str(header or "").split()).lower().replace("（", "(").replace("）", ")").replace("*", "")


# --- Running an import ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of import: a resource, and the options it needs (a session, a round)."""

    key: str
    label: str
    resource: str  # dotted path, imported when used so that talent imports no other app
    permission: str
    #: The record every row goes into, chosen with the file: ("session", "training.CourseSession").
    option: str = ""
    option_model: str = ""

    @property
    def resource_class(self):
        return import_string(self.resource)


KINDS = {
    kind.key: kind
    for kind in [
        Kind(
            "practitioners",
            gettext_lazy("Practitioners"),
            "talent.resources.PractitionerResource",
            "talent.import_practitioner",
        ),
        Kind("courses", gettext_lazy("Courses"), "training.resources.CourseResource", "training.import_course"),
        Kind(
            "sessions",
            gettext_lazy("Course sessions"),
            "training.resources.CourseSessionResource",
            "training.import_coursesession",
        ),
        Kind(
            "enrollments",
            gettext_lazy("Enrolments into a session"),
            "training.resources.EnrollmentResource",
            "training.import_enrollment",
            option="session",
            option_model="training.CourseSession",
        ),
        Kind(
            "results",
            gettext_lazy("Results of a session"),
            "training.resources.ResultResource",
            "training.import_enrollment",
            option="session",
            option_model="training.CourseSession",
        ),
        Kind(
            "positions",
            gettext_lazy("Internship positions"),
            "placements.resources.PositionResource",
            "placements.import_position",
        ),
        Kind(
            "placements",
            gettext_lazy("Placements into a round"),
            "placements.resources.PlacementResource",
            "placements.import_placement",
            option="round",
            option_model="placements.PlacementRound",
        ),
    ]
}


@dataclasses.dataclass
class Problem:
    row: int  # data row, counted from 1 below the header; 0 for the whole file
    column: str
    message: str

    @property
    def line(self) -> int:
        """The line in the spreadsheet, where the header is line 1."""
        return self.row + 1


@dataclasses.dataclass
class Outcome:
    record: ImportRecord
    totals: dict[str, int]
    problems: list[Problem]
    notices: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_upload(content: bytes, file_name: str, resource):
    """The file as a dataset with the resource's column names, or UnreadableFile."""
    dataset = tabular.read_table(content, file_name)
    resource.match_headers(dataset)
    return dataset


def run_import(
    *,
    kind: Kind,
    content: bytes,
    file_name: str,
    user,
    dry_run: bool,
    options: dict | None = None,
    expected: dict[str, int] | None = None,
    progress=None,
    record: ImportRecord | None = None,
) -> Outcome:
    """Read, check and (unless `dry_run`) write one file, all or nothing.

    `expected` is what the preview showed: if the real run would write anything
    else (the data changed in between), nothing is written and the user is
    asked to preview again.
    """
    options = options or {}
    if record is None:
        record = ImportRecord.objects.create(
            kind=kind.key,
            user=user,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            file_size=len(content),
            dry_run=dry_run,
            options={key: getattr(value, "pk", value) for key, value in options.items()},
        )
    resource = kind.resource_class(
        user=user, progress=_progress_saver(record, progress), import_record=record, **options
    )
    counted: Counter = Counter()
    problems: list[Problem] = []
    rows_outcome: list = []
    try:
        dataset = read_upload(content, file_name, resource)
    except tabular.UnreadableFile as refusal:
        problems.append(Problem(0, "", refusal.message))
    else:
        record.rows_total = len(dataset)
        record.save(update_fields=["rows_total"])
        try:
            with transaction.atomic(), set_actor(user):
                result = resource.import_data(
                    dataset,
                    dry_run=dry_run,
                    raise_errors=False,
                    use_transactions=True,
                    rollback_on_validation_errors=True,
                    user=user,
                    file_name=file_name,
                )
                problems = _problems(result, resource)
                for number, row_result in enumerate(result.rows, 1):
                    counted[row_result.import_type] += 1
                    object_id = row_result.object_id or resource.written.get(number)
                    rows_outcome.append([number, row_result.import_type, object_id])
                totals = {key: counted[key] for key in OUTCOMES}
                if not dry_run and not problems and expected is not None and totals != expected:
                    problems.append(
                        Problem(
                            0, "", _("The data changed since the preview; nothing was written. Preview the file again.")
                        )
                    )
                if problems:
                    transaction.set_rollback(True)
        except DatabaseError as error:
            problems.append(
                Problem(
                    0, "", _("The database refused the import; nothing was written (%(error)s).") % {"error": error}
                )
            )
    totals = {key: counted[key] for key in OUTCOMES}
    outcome = Outcome(record=record, totals=totals, problems=problems, notices=resource.notices)
    _finish_record(record, outcome, rows_outcome, dry_run)
    return outcome


def progress_key(record) -> str:
    return f"import-progress-{record.pk}"


def _progress_saver(record, callback):
    # In the cache, not the record: the record's row is inside the import's
    # transaction, which no other request can see until it ends.
    def saver(rows_done):
        cache.set(progress_key(record), rows_done, timeout=3600)
        if callback:
            callback(rows_done, record.rows_total)

    return saver


def _finish_record(record, outcome, rows_outcome, dry_run):
    if outcome.problems:
        record.status = ImportRecord.Status.REFUSED
    else:
        record.status = ImportRecord.Status.PREVIEWED if dry_run else ImportRecord.Status.IMPORTED
    record.finished_at = timezone.now()
    record.new = outcome.totals[NEW]
    record.updated = outcome.totals[UPDATE]
    record.unchanged = outcome.totals[SKIP]
    record.invalid = outcome.totals[INVALID] + outcome.totals[ERROR]
    record.problems = [
        dataclasses.asdict(problem) for problem in outcome.problems[: settings.IMPORT_MAX_RECORDED_PROBLEMS]
    ]
    record.notices = outcome.notices
    record.row_outcomes = rows_outcome
    record.save()


def _problems(result, resource) -> list[Problem]:
    columns = {field.attribute: resource.column_label(field) for field in resource.import_fields() if field.attribute}
    columns.update({field.column_name: resource.column_label(field) for field in resource.import_fields()})
    problems = [Problem(0, "", str(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            problems.extend(Problem(invalid.number, column, str(message)) for message in messages)
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(Problem(number, "", _error_message(error.error)))
    problems.sort(key=lambda problem: (problem.row, problem.column))
    return _collapse_repeats(problems)


def _collapse_repeats(problems: list[Problem]) -> list[Problem]:
    """A refusal about the whole file (a closed session) comes once per row:
    keep its first row and say how many more there were."""
    first: dict[str, Problem] = {}
    more: dict[str, int] = {}
    kept = []
    for problem in problems:
        if problem.row and not problem.column:
            if problem.message in first:
                more[problem.message] = more.get(problem.message, 0) + 1
                continue
            first[problem.message] = problem
        kept.append(problem)
    for message, count in more.items():
        first[message].message += " " + ngettext(
            "(The same in %(count)s more row.)", "(The same in %(count)s more rows.)", count
        ) % {"count": count}
    return kept


def _error_message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error)
