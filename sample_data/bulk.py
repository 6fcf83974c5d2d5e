"""Fast bulk loading of many rows into one table, inside the caller's transaction.

SQLAlchemy's ``insert()`` runs every value through its type's bind processor, which is
what a million-row seed cannot afford. So, on the two databases the product supports:

- **SQLite**: ``executemany`` on the raw ``sqlite3`` cursor, with dates and times already
  written as the text SQLAlchemy itself stores (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS.ffffff``)
  and JSON as text, so the ORM reads the rows back exactly as if it had written them.
- **PostgreSQL**: ``COPY … FROM STDIN`` through psycopg's ``cursor.copy`` (the server
  parses the same ISO text).
- Anything else: SQLAlchemy Core ``insert()`` in batches (slow but correct); the generator
  then hands over Python ``date``/``datetime`` objects instead of text (see ``text_values``).

The rows go through the connection SQLAlchemy already holds, so they commit or roll back
with everything else the seeder writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from sqlalchemy import Connection, Table, insert

BATCH = 20_000


class BulkWriter:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.dialect = conn.dialect.name

    @property
    def text_values(self) -> bool:
        """Whether rows should carry dates, times and JSON as text (the fast paths)."""
        return self.dialect in ("sqlite", "postgresql")

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert ``rows`` (tuples in ``columns`` order); returns how many were written."""
        n = 0
        if self.dialect == "sqlite":
            raw = self.conn.connection.driver_connection
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
            cur = raw.cursor()
            try:
                cur.executemany(sql, rows)
                n = cur.rowcount  # executemany sums the rows of every execution
            finally:
                cur.close()
        elif self.dialect == "postgresql":
            raw = self.conn.connection.driver_connection
            sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cur, cur.copy(sql) as copy:
                write_row = copy.write_row
                for n, row in enumerate(rows, 1):
                    write_row(row)
        else:
            it = iter(rows)
            while batch := list(islice(it, BATCH)):
                self.conn.execute(insert(table), [dict(zip(columns, row)) for row in batch])
                n += len(batch)
        return n

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        """After inserting explicit ids, move PostgreSQL's id sequences past them."""
        if self.dialect != "postgresql":
            return
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur:
            for table in tables:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"
                )

