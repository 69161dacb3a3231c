"""How far a running import has got, where other requests can read it.

An import runs in one transaction, so whatever it writes through its own
connection is seen by others only when it ends. On PostgreSQL the progress is
written through a connection of its own, in autocommit, onto the import's
record, which no import transaction holds; the progress bar reads it there.
SQLite (the single-machine demo) lets one writer at a time, so there the bar
shows the import running and its totals once it ends.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from rosters.models import ImportRecord


class ProgressWriter:
    def __init__(self, record: ImportRecord):
        self.record = record
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, rows_done: int) -> None:
        if self.connection is None:
            return
        table = self.connection.ops.quote_name(ImportRecord._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [rows_done, self.record.pk])  # noqa: S608

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
