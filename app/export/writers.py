"""One view to one file, streamed: COPY TO STDOUT for CSV, a server-side cursor for Parquet.

Neither holds more than a bounded batch in memory, so a 10-million-row view exports like a
small one. Each writer returns the rows written and reports progress through `advance`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from app.export.catalog import View

Advance = Callable[[int, int], None]  # (rows so far or -1 when unknown, bytes so far)

FETCH_ROWS = 5_000  # rows per round trip of the server-side cursor
ROW_GROUP_BYTES = 64 << 20  # Arrow data gathered before a Parquet row group is written
ROW_GROUP_ROWS = 500_000


class HashingFile:
    """A binary file that counts and hashes what is written, for the package's bytes and hash."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> int:
        data = bytes(data)
        self._file.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        return len(data)

    # What pyarrow needs of a Python file it writes to.
    closed = property(lambda self: self._file.closed)

    def tell(self) -> int:
        return self.bytes

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def write_csv(conn, view: View, out: HashingFile, advance: Advance) -> int:
    """The view as RFC 4180 CSV with a header line, UTF-8, NULL as an empty unquoted cell."""
    query = view.select(parquet=False).as_string(conn)
    with conn.cursor() as cur:
        with cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')") as copy:
            for block in copy:
                out.write(block)
                advance(-1, out.bytes)
        return cur.rowcount


def write_parquet(conn, view: View, out: HashingFile, advance: Advance) -> int:
    """The view as Parquet, with Arrow types from the catalog, in row groups of bounded size."""
    schema = pa.schema([pa.field(c.name, c.arrow_type) for c in view.columns])
    rows = 0
    pending: list[pa.RecordBatch] = []
    pending_bytes = pending_rows = 0
    with pq.ParquetWriter(out, schema) as writer, conn.cursor(name=f"export_{view.name}") as cur:
        cur.execute(view.select(parquet=True))
        while batch := cur.fetchmany(FETCH_ROWS):
            columns = list(zip(*batch, strict=True))
            arrays = [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)]
            record = pa.RecordBatch.from_arrays(arrays, schema=schema)
            pending.append(record)
            pending_bytes += record.nbytes
            pending_rows += record.num_rows
            rows += record.num_rows
            if pending_bytes >= ROW_GROUP_BYTES or pending_rows >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, schema), row_group_size=pending_rows)
                pending, pending_bytes, pending_rows = [], 0, 0
            advance(rows, out.bytes)
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema), row_group_size=pending_rows)
    advance(rows, out.bytes)
    return rows
