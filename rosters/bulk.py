"""Writing many new rows at once, as fast as the database allows.

On PostgreSQL rows go in with COPY, several times faster than the INSERTs of
`bulk_create`; elsewhere they go through `bulk_create`. Either way the rows'
primary keys are not read back: this is for rows nobody refers to in the same
run (audit entries, the links of a many-to-many field).
"""

from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from django.db import connection, transaction
from django.db.models import Model

BATCH = 5000


def copy_available() -> bool:
    return connection.vendor == "postgresql"


def copy(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (tuples of column values as PostgreSQL reads them) into the model's table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    statement = f"COPY {table} ({names}) FROM STDIN"
    rows = iter(rows)
    # Each batch is worked out before its COPY starts: working out a row may
    # query the database (an instance's __str__), which the connection cannot
    # do in the middle of a COPY.
    while batch := list(islice(rows, BATCH)):
        # In a savepoint, as bulk_create's INSERTs are: a refused row leaves
        # the caller's transaction usable, to report it and roll back.
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(statement) as stream:
            for row in batch:
                stream.write_row(row)


def insert(
    model: type[Model],
    items: Iterable,
    *,
    columns: Sequence[str],
    row: Callable[[object], Sequence],
    instance: Callable[[object], Model],
) -> None:
    """Insert one row per item: `row(item)` gives its column values for COPY,
    `instance(item)` the model instance `bulk_create` saves elsewhere."""
    if copy_available():
        copy(model, columns, (row(item) for item in items))
        return
    batch: list[Model] = []
    for item in items:
        batch.append(instance(item))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def create(model: type[Model], instances: list[Model]) -> None:
    """Save new instances at once and give each its primary key, as
    `bulk_create` does; on PostgreSQL with COPY, the keys taken from the
    table's sequence first. For models with plain columns (no JSON)."""
    if not instances:
        return
    if not copy_available():
        model.objects.bulk_create(instances, batch_size=BATCH)
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(instances)],
        )
        for instance, (key,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = key
    fields = model._meta.concrete_fields
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    for instance in instances:
        for field in stamped:
            field.pre_save(instance, add=True)
        instance._state.adding = False
        instance._state.db = connection.alias
    attnames = [field.attname for field in fields]
    copy(model, [field.column for field in fields], ([getattr(i, a) for a in attnames] for i in instances))
