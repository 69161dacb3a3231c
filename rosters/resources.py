"""What every roster resource shares, on top of django-import-export: headers
in either language, generic widgets for what people type into cells, unchanged
rows told without a diff, the rows' details for the preview, bulk writes with
their audit entries, and the Excel line of every row.

A resource (in each app's `resources.py`) says what its columns mean; the
runner (`rosters.runner`) feeds it the file in chunks.
"""

import copy

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override as language
from import_export import fields, resources, widgets
from import_export.results import RowResult

from rosters import audit, bulk, exports
from rosters.tabular import UnreadableFile
from rosters.widgets import ChoiceWidget, DateWidget, DecimalWidget, IntegerWidget, LookupWidget, TextWidget, text_field


def header_key(header) -> str:
    """A header as compared: no spaces, case or full-width brackets, no required-marker asterisk."""
    return "".join(str(header or "").split()).lower().replace("（", "(").replace("）", ")").replace("*", "")


# --- The base resource ------------------------------------------------------------


class RosterResource(resources.ModelResource):
    """What every import shares: column headers in either language, checked up
    front; unchanged rows skipped; the rows' details kept for the preview."""

    #: Extra header spellings people use, per field: {"resident_id": ["身份证号码"]}.
    header_aliases: dict[str, list[str]] = {}
    #: Columns a file must have.
    required_columns: tuple[str, ...] = ()
    #: One example row for the blank template, by field.
    example_row: dict[str, str] = {}
    #: Columns that are read but are not part of the record (left out of the
    #: comparison that finds unchanged rows).
    snapshot_exclude: tuple[str, ...] = ()
    #: Columns read only to be checked against others (性别 against the resident
    #: ID): accepted in a file, left out of templates and exports.
    check_columns: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, user=None, import_record=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.import_record = import_record
        self.dry_run = False
        self.notices: list[str] = []
        # Set by the runner for each chunk of the file: the data row before the
        # chunk's first, and the chunk's cells that hold formulas without values.
        self.row_offset = 0
        self.formula_cells: dict[int, list[str]] = {}
        self.columns_in_file: set[str] = set()
        # Filled per chunk, read and cleared by the runner.
        self.written: dict[int, int] = {}  # row number in the chunk → pk of a record created in bulk
        self.details: dict[int, dict] = {}  # row number in the chunk → what the preview shows of it

    def line(self, row_number: int) -> int:
        """The spreadsheet line of the chunk's `row_number`-th row (the header is line 1)."""
        return self.row_offset + row_number + 1

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
                lookup[header_key(spelling)] = field.column_name
        return lookup

    def match_headers(self, headers: list[str]) -> tuple[list[str | None], list[str]]:
        """Each header's column name (None for a column this import does not
        read) and the headers ignored; refuses repeated or missing columns."""
        lookup = self.header_lookup()
        columns: list[str | None] = []
        ignored, repeated = [], []
        for header in headers:
            column = lookup.get(header_key(header))
            if column is None:
                if header.strip():
                    ignored.append(header.strip())
            elif column in columns:
                repeated.append(header)
                column = None
            columns.append(column)
        problems = []
        if repeated:
            problems.append(_("Columns given twice: %(columns)s.") % {"columns": "、".join(repeated)})
        missing = [self.column_label(self.fields[name]) for name in self.required_columns if name not in columns]
        if missing:
            problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        if problems:
            raise UnreadableFile(" ".join(problems))
        return columns, ignored

    def template(self):
        fields_ = [field for field in self.import_fields() if field.column_name not in self.check_columns]
        data = exports.dataset([self.column_label(field) for field in fields_], [], title=self.title())
        data.append([self.example_row.get(field.column_name, "") for field in fields_])
        return data

    def title(self) -> str:
        return str(self._meta.name or self._meta.model._meta.verbose_name_plural)

    # Exports: headers in the user's language, formulae escaped --------------

    def get_export_fields(self, selected_fields=None):
        return [
            field for field in super().get_export_fields(selected_fields) if field.column_name not in self.check_columns
        ]

    def get_export_headers(self, selected_fields=None):
        return [self.column_label(field) for field in self.get_export_fields(selected_fields)]

    def export_field(self, field, instance, **kwargs):
        return exports.escape_formula(super().export_field(field, instance, **kwargs))

    def export(self, queryset=None, **kwargs):
        data = super().export(queryset, **kwargs)
        data.title = exports.sheet_title(self.title())
        return data

    # The row loop ----------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        formulas = self.formula_cells.get(kwargs.get("row_number"))
        if formulas:
            # Neither the formula nor an empty value stands for what the cell shows.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            message = _(
                "The cell holds a formula whose value the workbook does not store; type the value itself, "
                "or open the file in Excel, let it calculate and save it again."
            )
            row_result.validation_error = ValidationError({column: [message] for column in formulas})
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

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
            instance._import_before = copy.copy(instance)

    def before_save_instance(self, instance, row, **kwargs):
        if self._meta.use_bulk and instance.pk and hasattr(instance, "updated_at"):
            instance.updated_at = timezone.now()  # bulk_update skips auto_now
        if self.dry_run:  # only a preview lists its rows
            self.details[kwargs.get("row_number")] = self.describe(instance, row)

    def labels(self) -> dict[str, str]:
        """Each column's header in the current language, worked out once per import."""
        if not hasattr(self, "_labels"):
            self._labels = {field.column_name: self.column_label(field) for field in self.import_fields()}
        return self._labels

    def describe(self, instance, row) -> dict:
        """What the preview shows of a row that writes: a new row's cells as
        typed, or an updated row's changed columns as [old, new]."""
        labels = self.labels()
        before = getattr(instance, "_import_before", None)
        if before is None:
            return {labels[column]: str(value) for column, value in row.items() if column in labels and value}
        old, new = instance._import_snapshot, self.snapshot(instance)
        return {
            labels[column]: [self.display_value(column, before), self.display_value(column, instance)]
            for column in new
            if old.get(column) != new[column]
        }

    def display_value(self, column: str, instance) -> str:
        try:
            return str(self.fields[column].export(instance) or "")
        except Exception:  # a value the widget cannot render is shown as stored
            return str(getattr(instance, self.fields[column].attribute, "") or "")

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its field's widget onto the instance, then the
        checks across cells; all of a row's problems together. (As
        import-export's own, without the per-cell lookups and logging that
        cost a third of an import's time.)"""
        errors = {}
        for field, attribute in self._cells_to_import():
            if field.column_name not in row:
                continue
            try:
                if attribute is None:
                    field.save(instance, row, **kwargs)
                    continue
                value = field.clean(row, **kwargs)
                if value is not None or field.saves_null_values:
                    setattr(instance, attribute, value)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        self.check_row(instance, row, errors, line=self.line(kwargs.get("row_number", 0)))
        if errors:
            raise ValidationError(errors)

    def _cells_to_import(self) -> list[tuple[fields.Field, str | None]]:
        """The fields that write a cell onto the instance, with the attribute
        they set (None for a path through a relation, left to the field)."""
        if not hasattr(self, "_cells"):
            self._cells = [
                (field, None if "__" in field.attribute else field.attribute)
                for field in self.get_import_fields()
                if field.attribute and not field.readonly and not isinstance(field.widget, widgets.ManyToManyWidget)
            ]
        return self._cells

    def check_row(self, instance, row, errors: dict, *, line: int) -> None:
        """Checks across a row's cells or against earlier rows, after each cell
        was read: add messages to `errors` by field name."""

    def after_file(self) -> None:
        """Called once after the last chunk of the file, inside the import's
        transaction (a preview's too): work on the whole file, notices."""

    # Bulk writes (resources with use_bulk) --------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # As import-export's, through rosters.bulk (COPY on PostgreSQL).
        batch = self._batch(self.create_instances, result)
        try:
            bulk.create(self._meta.model, batch)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()
        if batch and not result.has_errors():
            self.written.update((instance._import_row, instance.pk) for instance in batch)
            self.after_bulk_write(batch, created=True)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        batch = self._batch(self.update_instances, result)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if batch and not result.has_errors():
            self.after_bulk_write(batch, created=False)

    def get_bulk_update_fields(self):
        """The model fields the file can change (import-export would name the
        resource's fields, some of which are not columns of the table)."""
        concrete = {field.name for field in self._meta.model._meta.concrete_fields}
        names = [field.attribute for field in self.import_fields() if field.attribute in concrete]
        return [name for name in names if name not in self._meta.import_id_fields] + (
            ["updated_at"] if "updated_at" in concrete else []
        )

    def _batch(self, pending, result):
        if self.failed or (result is not None and (result.has_errors() or result.has_validation_errors())):
            pending.clear()  # the import will be rolled back: stop writing, keep checking rows
        return list(pending)

    #: Set by the runner once any row of the file was refused.
    failed = False

    def after_bulk_write(self, instances, *, created: bool) -> None:
        """Bulk writes skip save() and its signals: write the audit entries here."""
        if not self.dry_run:
            audit_bulk_write(self, instances, created=created)


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


__all__ = [
    "ChoiceWidget",
    "DateWidget",
    "DecimalWidget",
    "IntegerWidget",
    "LookupWidget",
    "RosterResource",
    "TextWidget",
    "header_key",
    "text_field",
]
