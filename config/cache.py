"""The database cache, with increments that count exactly across processes.

Without Redis, the cache shared by every web worker is Django's database
cache (settings.CACHES). Its `incr` reads the value and writes it back: two
workers reading the same count both write count + 1 and a lookup goes
uncounted, so two gunicorn workers let 60 verify lookups a minute through
instead of 30. It also writes the new value with the default timeout (five
minutes), so a one-minute window would not end.

Here `incr` and `add` hold the entry's row lock (SELECT ... FOR UPDATE, on
PostgreSQL) from the read to the write, and `incr` keeps the entry's expiry.
SQLite has no row locks: the first statement is a write, which takes the
database's write lock, so two threads cannot both read before either writes.
"""

import base64
import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(DjangoDatabaseCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        with transaction.atomic(using=db):
            self._lock(db, self.make_and_validate_key(key, version=version))
            # Under the lock Django's add sees an entry another worker has
            # just added, rather than resetting it as expired.
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        with transaction.atomic(using=db):
            self._lock(db, key)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "  # noqa: S608 -- names quoted, values bound
                    f"WHERE {quote_name('cache_key')} = %s",
                    [key],
                )
                row = cursor.fetchone()
                if row is None or self._expired(connection, row[1]):
                    raise ValueError(f"Key '{key}' not found")
                value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 -- our own table, as in Django's
                value += delta
                encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                cursor.execute(
                    f"UPDATE {table} SET {quote_name('value')} = %s WHERE {quote_name('cache_key')} = %s",  # noqa: S608
                    [encoded, key],
                )
        return value

    def _lock(self, db: str, key: str) -> None:
        """Hold the entry's lock until the transaction ends (the caller's atomic block)."""
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        with connection.cursor() as cursor:
            if connection.features.has_select_for_update:
                cursor.execute(
                    f"SELECT 1 FROM {table} WHERE {quote_name('cache_key')} = %s {connection.ops.for_update_sql()}",  # noqa: S608
                    [key],
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET {quote_name('expires')} = {quote_name('expires')} "  # noqa: S608
                    f"WHERE {quote_name('cache_key')} = %s",
                    [key],
                )

    @staticmethod
    def _expired(connection, expires) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < now()
