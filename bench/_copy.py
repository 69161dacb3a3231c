"""Loading millions of rows into PostgreSQL with COPY, for the benchmarks.

`Loader(model, columns)` writes rows given as tuples in the order of
`columns` (attribute names, the primary key included: the benchmark numbers
its rows itself); every other column gets the model field's default, so that
a field added later with a default does not break the benchmark. Sequences
are moved past the loaded ids at the end (`reset_sequences`).
"""

import enum
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection
from django.db.models import JSONField
from django.utils import timezone


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


class Loader:
    def __init__(self, model, columns: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        now = timezone.now()
        self.constants: list = []
        self.per_row: list = []
        rest_constant, rest_per_row = [], []
        for name, field in fields.items():
            if name in columns:
                continue
            if field.primary_key:
                raise ValueError(f"{model.__name__}: give the primary key ({name}) in the columns")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                rest_constant.append(field)
                self.constants.append(now)
            elif field.has_default() and callable(field.default) and field.unique:
                rest_per_row.append(field)
                self.per_row.append(field.default)
            elif field.has_default() or not field.null:
                value = _plain(field.get_default())
                if isinstance(field, JSONField):
                    value = field.get_db_prep_value(value, connection)
                rest_constant.append(field)
                self.constants.append(value)
            else:
                rest_constant.append(field)
                self.constants.append(None)
        self.constants = tuple(self.constants)
        names = [fields[c].column for c in columns] + [f.column for f in rest_constant + rest_per_row]
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        self.sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"

    def load(self, rows: Iterable[tuple]) -> int:
        count = 0
        constants, per_row = self.constants, self.per_row
        with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
            if per_row:
                for row in rows:
                    copy.write_row(row + constants + tuple(make() for make in per_row))
                    count += 1
            else:
                for row in rows:
                    copy.write_row(row + constants)
                    count += 1
        return count


def load(model, columns: list[str], rows: Iterable[tuple]) -> int:
    return Loader(model, columns).load(rows)


def reset_sequences(models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
