"""Running an import: the file is read as a stream and fed to the kind's
resource in chunks, all inside one transaction, so that memory stays flat
however long the file is and the rule stays all or nothing: a preview, or a
run with any problem, is rolled back as a whole.

Problems are collected as (row, column, message), each row's its own; what
happened to every row goes to a spool file on disk while the transaction
runs and into `ImportRow` after it, so that a preview can list its rows.
The admin, the `import_roster` command and the benchmarks all call `run_import`.
"""

import dataclasses
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import islice

import tablib
from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import RowResult

from rosters import bulk, tabular
from rosters.models import ImportRecord, ImportRow
from rosters.progress import ProgressWriter
from rosters.registry import Kind

NEW, UPDATE, SKIP, INVALID, ERROR = OUTCOMES = (
    RowResult.IMPORT_TYPE_NEW,
    RowResult.IMPORT_TYPE_UPDATE,
    RowResult.IMPORT_TYPE_SKIP,
    RowResult.IMPORT_TYPE_INVALID,
    RowResult.IMPORT_TYPE_ERROR,
)
#: Rows handed to the resource at a time.
CHUNK_ROWS = 2000


@dataclasses.dataclass
class Problem:
    row: int  # data row, counted from 1 below the header; 0 for the whole file
    column: str
    message: str

    @property
    def line(self) -> int:
        """The line in the spreadsheet, where the header is line 1."""
        return self.row + 1 if self.row else 0


@dataclasses.dataclass
class Outcome:
    record: ImportRecord
    totals: dict[str, int]
    problems: list[Problem]
    notices: list[str]
    ignored_columns: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ProblemLog:
    """The problems of a run, as many as are kept (IMPORT_MAX_RECORDED_PROBLEMS).
    A refusal about the whole file (a closed session) comes once per row: its
    first row is kept, with how many more there were."""

    def __init__(self):
        self.kept: list[Problem] = []
        self.count = 0
        self._first: dict[str, Problem] = {}
        self._more: Counter = Counter()

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if problem.row and not problem.column:
            if problem.message in self._first:
                self._more[problem.message] += 1
                return
            self._first[problem.message] = problem
        if len(self.kept) < settings.IMPORT_MAX_RECORDED_PROBLEMS:
            self.kept.append(problem)

    def problems(self) -> list[Problem]:
        for message, count in self._more.items():
            self._first[message].message += " " + ngettext(
                "(The same in %(count)s more row.)", "(The same in %(count)s more rows.)", count
            ) % {"count": count}
        self._more.clear()
        return sorted(self.kept, key=lambda problem: (problem.row, problem.column))


class RowSpool:
    """Each row's outcome, on disk until the import's transaction has ended."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 -- closed in save()

    def add(self, line: int, outcome: str, object_id: int | None, details: dict) -> None:
        self.file.write(json.dumps([line, outcome, object_id, details], ensure_ascii=False) + "\n")

    def save(self, record: ImportRecord) -> None:
        self.file.seek(0)
        bulk.insert(
            ImportRow,
            (json.loads(line) for line in self.file),
            columns=("record_id", "line", "outcome", "object_id", "details"),
            row=lambda item: (record.pk, *item[:3], json.dumps(item[3], ensure_ascii=False)),
            instance=lambda item: ImportRow(
                record=record, line=item[0], outcome=item[1], object_id=item[2], details=item[3]
            ),
        )
        self.file.close()


def run_import(
    *,
    kind: Kind,
    content: "bytes | os.PathLike[str]",
    file_name: str,
    user,
    dry_run: bool,
    options: dict | None = None,
    expected: dict[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    record: ImportRecord | None = None,
) -> Outcome:
    """Read, check and (unless `dry_run`) write one file, all or nothing.
    `content` is the file's bytes, or its path on disk (read a piece at a
    time, never whole into memory).

    `expected` is what the preview showed: if the real run would write anything
    else (the data changed in between), nothing is written and the user is
    asked to preview again.
    """
    options = options or {}
    source = tabular.Source(content)
    if record is None:
        record = ImportRecord.objects.create(
            kind=kind.key,
            user=user,
            file_name=file_name[:255],
            file_sha256=sha256(source),
            file_size=source.size,
            dry_run=dry_run,
            options={key: getattr(value, "pk", value) for key, value in options.items()},
        )
    run = _Run(kind, record, user, dry_run, options, progress)
    try:
        run.execute(source, file_name, expected)
    finally:
        run.finish()
    return run.outcome


class _Run:
    def __init__(self, kind, record, user, dry_run, options, progress):
        self.kind, self.record, self.user, self.dry_run = kind, record, user, dry_run
        self.resource = kind.resource(user=user, import_record=record, **options)
        self.resource.dry_run = dry_run
        self.progress = progress
        self.progress_writer = ProgressWriter(record)
        self.log = ProblemLog()
        self.counted: Counter = Counter()
        self.spool = RowSpool()
        self.ignored: list[str] = []
        self.outcome: Outcome | None = None

    def execute(self, content: tabular.Source, file_name: str, expected) -> None:
        try:
            table = tabular.open_table(content, file_name)
            columns, self.ignored = self.resource.match_headers(table.headers)
            self.resource.columns_in_file = {column for column in columns if column}
        except tabular.UnreadableFile as refusal:
            self.log.add(Problem(0, "", refusal.message))
            return
        self.record.rows_total = table.rows_total or 0
        self.record.save(update_fields=["rows_total"])
        try:
            with transaction.atomic(), set_actor(self.user):
                done = 0
                for chunk in _chunks(table.rows(), CHUNK_ROWS):
                    self._import_chunk(chunk, columns, row_offset=done)
                    done += len(chunk)
                    self._report_progress(done)
                if not self.log:
                    try:
                        self.resource.after_file()
                    except ValidationError as refusal:
                        for message in refusal.messages:
                            self.log.add(Problem(0, "", message))
                totals = self.totals()
                if not self.dry_run and not self.log and expected is not None and totals != expected:
                    self.log.add(
                        Problem(
                            0, "", _("The data changed since the preview; nothing was written. Preview the file again.")
                        )
                    )
                if self.log or self.dry_run:
                    transaction.set_rollback(True)
        except tabular.UnreadableFile as refusal:
            self.log.add(Problem(0, "", refusal.message))
        except DatabaseError as error:
            self.log.add(
                Problem(
                    0, "", _("The database refused the import; nothing was written (%(error)s).") % {"error": error}
                )
            )

    def _import_chunk(self, chunk: list[list[str]], columns: list[str | None], *, row_offset: int) -> None:
        resource = self.resource
        kept = [index for index, column in enumerate(columns) if column]
        dataset = tablib.Dataset(headers=[columns[index] for index in kept])
        formulas: dict[int, list[str]] = {}
        for number, row in enumerate(chunk, start=1):
            cells = [row[index] for index in kept]
            found = [columns[index] for index in kept if isinstance(row[index], tabular.Formula)]
            if found:
                formulas[number] = found
            dataset.append(cells)
        resource.row_offset, resource.formula_cells = row_offset, formulas
        resource.failed = bool(self.log)
        resource.written, resource.details = {}, {}
        result = resource.import_data(
            dataset,
            dry_run=False,  # the runner's transaction rolls a preview back, after the last chunk
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=False,
            user=self.user,
        )
        for problem in _problems(result, resource, row_offset):
            self.log.add(problem)
        for number, row_result in enumerate(result.rows, start=1):
            outcome = row_result.import_type
            self.counted[outcome] += 1
            object_id = row_result.object_id or resource.written.get(number)
            if self.dry_run and outcome == NEW:
                object_id = None  # rolled back with the preview
            details = resource.details.get(number, {}) if self.dry_run else {}
            self.spool.add(row_offset + number + 1, outcome, _as_int(object_id), _clean(details))

    def _report_progress(self, done: int) -> None:
        self.progress_writer.report(done)
        if self.progress:
            self.progress(done, self.record.rows_total)

    def totals(self) -> dict[str, int]:
        return {key: self.counted[key] for key in OUTCOMES}

    def finish(self) -> None:
        """Record the outcome, whatever happened: no record is left "running"."""
        self.progress_writer.close()
        record, totals = self.record, self.totals()
        problems = self.log.problems()
        self.outcome = Outcome(record, totals, problems, self.resource.notices, self.ignored)
        if problems:
            record.status = ImportRecord.Status.REFUSED
        else:
            record.status = ImportRecord.Status.PREVIEWED if self.dry_run else ImportRecord.Status.IMPORTED
        record.finished_at = timezone.now()
        record.new, record.updated, record.unchanged = totals[NEW], totals[UPDATE], totals[SKIP]
        record.invalid = totals[INVALID] + totals[ERROR]
        record.problems = _clean([dataclasses.asdict(problem) for problem in problems])
        record.notices = _clean(list(self.outcome.notices))
        record.ignored_columns = _clean(self.ignored)
        try:
            record.save()
            self.spool.save(record)
        except Exception:
            ImportRecord.objects.filter(pk=record.pk).update(
                status=ImportRecord.Status.FAILED,
                finished_at=timezone.now(),
                problems=[{"row": 0, "column": "", "message": str(_("The import could not be recorded."))}],
            )
            raise


def sha256(source: tabular.Source) -> str:
    digest = hashlib.sha256()
    with source.open() as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _as_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _clean(value):
    """Text for a JSON column: PostgreSQL refuses U+0000 in it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def _problems(result, resource, row_offset: int) -> list[Problem]:
    labels = resource.labels()
    columns = {field.attribute: labels[field.column_name] for field in resource.import_fields() if field.attribute}
    columns.update(labels)
    problems = [Problem(0, "", _error_message(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            problems.extend(Problem(row_offset + invalid.number, column, str(message)) for message in messages)
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(Problem(row_offset + number, "", _error_message(error.error)))
    return problems


def _error_message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error)
