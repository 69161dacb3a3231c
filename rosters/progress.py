"""How far a running import has got, where other requests can read it.

An import runs in one transaction, so whatever it writes through its own
connection is seen by others only when it ends. On PostgreSQL the progress is
written through a connection of its own, in autocommit, onto the import's
record, which no import transaction holds; the progress bar reads it there.
SQLite (the single-machine demo) lets one writer at a time, so there the bar
shows the import running and its totals once it ends.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from rosters.models import ImportRecord

logger = logging.getLogger(__name__)


class ProgressWriter:
    def __init__(self, record: ImportRecord):
        self.record = record
        self.connection = None
        default = connections[DEFAULT_DB_ALIAS]
        # Inside a caller's transaction the record's row may be locked by that
        # very transaction: a second connection would wait for it forever.
        if default.vendor == "postgresql" and not default.in_atomic_block:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, rows_done: int) -> None:
        if self.connection is None:
            return
        table = self.connection.ops.quote_name(ImportRecord._meta.db_table)
        try:
            with self.connection.cursor() as cursor:
                # Progress is worth a moment, never a wait on someone's lock.
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [rows_done, self.record.pk])  # noqa: S608
        except DatabaseError:
            logger.warning("Import %s: progress not recorded", self.record.pk, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
