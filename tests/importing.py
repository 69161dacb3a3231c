"""What the import tests share: a CSV as Excel saves it, and one run of an import."""

import csv
import io

from django.utils import translation

import rosters
from rosters.runner import Outcome, run_import


def csv_file(headers, rows, *, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(kind: str, content: bytes, user, *, dry_run: bool = False, language: str = "en", **options) -> Outcome:
    """`kind` imported from `content` (a CSV), messages in `language`."""
    with translation.override(language):
        return run_import(
            kind=rosters.get(kind),
            content=content,
            file_name=f"{kind}.csv",
            user=user,
            dry_run=dry_run,
            options=options,
        )


def problems_of(outcome: Outcome) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in outcome.problems]
