"""Import a roster file from the command line, with a progress bar.

    manage.py import_roster roster.xlsx --kind practitioners --dry-run
    manage.py import_roster enrolments.csv --kind enrollments --session 12 --user admin@example.com

The same checks and all-or-nothing rule as the admin; the import is recorded.
"""

import shutil
import time
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rosters import registry, runner


class Command(BaseCommand):
    help = "Import a roster (XLSX or CSV); all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=sorted(kind.key for kind in registry.all_kinds()))
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--session", type=int, help="The course session (for enrolments and results).")
        parser.add_argument("--round", type=int, help="The placement round (for placements).")
        parser.add_argument("--meeting", type=int, help="The class meeting (for a sign-in sheet).")
        parser.add_argument("--user", help="Email of the administrator the import is recorded under.")

    def handle(self, *args, file, kind, dry_run, user, **options):
        kind = registry.get(kind)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(error) from None
        chosen = {}
        if kind.option:
            if options[kind.option] is None:
                raise CommandError(_("--%(option)s is required for this kind of import.") % {"option": kind.option})
            model = apps.get_model(kind.option_model)
            try:
                chosen[kind.option] = model.objects.get(pk=options[kind.option])
            except model.DoesNotExist:
                raise CommandError(
                    _("There is no %(what)s %(pk)s.") % {"what": model._meta.verbose_name, "pk": options[kind.option]}
                ) from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(_("There is no user %(email)s.") % {"email": user})

        bar = ProgressBar(self.stderr)
        outcome = runner.run_import(
            kind=kind,
            content=content,
            file_name=file.name,
            user=actor,
            dry_run=dry_run,
            options=chosen,
            progress=bar.show,
        )
        bar.finish()
        totals = outcome.totals
        self.stdout.write(
            _("%(rows)s rows: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s with errors.")
            % {
                "rows": outcome.record.rows_total,
                "new": totals["new"],
                "updated": totals["update"],
                "unchanged": totals["skip"],
                "errors": totals["invalid"] + totals["error"],
            }
        )
        if outcome.ignored_columns:
            self.stdout.write(
                _("Columns this import does not read, ignored: %(columns)s")
                % {"columns": "、".join(outcome.ignored_columns)}
            )
        for notice in outcome.notices:
            self.stdout.write(notice)
        for problem in outcome.problems:
            # The line Excel shows, the header being line 1.
            where = _("line %(line)s") % {"line": problem.line} if problem.row else _("file")
            column = f" [{problem.column}]" if problem.column else ""
            self.stderr.write(f"{where}{column}: {problem.message}")
        if not outcome.ok:
            raise CommandError(_("Nothing was written (import record %(pk)s).") % {"pk": outcome.record.pk})
        if dry_run:
            self.stdout.write(
                _("Preview only: nothing was written (import record %(pk)s).") % {"pk": outcome.record.pk}
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported (import record %(pk)s).") % {"pk": outcome.record.pk}))


class ProgressBar:
    """A one-line bar on a terminal; a line every so often otherwise."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.started = time.monotonic()
        self.shown = False

    def show(self, done: int, total: int | None = None) -> None:
        rate = done / max(time.monotonic() - self.started, 1e-6)
        text = f"{done:,} rows, {rate:,.0f}/s"
        if self.tty:
            width = max(10, shutil.get_terminal_size().columns - len(text) - 4)
            filled = int(width * done / total) if total else (done // 1000) % width
            self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {text}", ending="")
        else:
            self.stream.write(text)
        self.shown = True

    def finish(self) -> None:
        if self.shown and self.tty:
            self.stream.write("")
