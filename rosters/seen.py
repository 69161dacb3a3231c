"""Where each key (a resident ID, a person) first appeared in a file, so that
a repeat names the line of the first. Kept in a temporary SQLite database on
disk rather than a dictionary: a file of a million rows costs no memory."""

import sqlite3


class FirstSeen:
    def __init__(self):
        # "" opens a private temporary database on disk, deleted when closed.
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID")
        self.db.execute("BEGIN")  # never committed: the table lives as long as the import

    def first_line(self, key, line: int) -> int:
        """The line `key` first appeared on: `line` itself the first time."""
        inserted = self.db.execute(
            "INSERT INTO seen (key, line) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (str(key), line)
        ).rowcount
        if inserted:
            return line
        return self.db.execute("SELECT line FROM seen WHERE key = ?", (str(key),)).fetchone()[0]
