"""Quick queries from the terminal: a read-only transaction, shown as a table or as CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine


def run_query(engine: Engine, statement: str, limit: int | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of `statement`, run in a read-only transaction.

    The SQL goes to the server as written: no placeholder of SQLAlchemy or psycopg is read in it.
    """
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute(statement.encode())  # bytes: psycopg reads no "%" placeholder in them
            if cur.description is None:
                return [], []
            rows = cur.fetchmany(limit) if limit else cur.fetchall()
            return [d.name for d in cur.description], [tuple(r) for r in rows]
    finally:
        raw.rollback()
        raw.close()


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """Aligned columns, long cells cut with an ellipsis, and a row count."""
    cells = [[_cell(v).replace("\n", " ") for v in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(col)] + [len(row[i]) for row in cells]) for i, col in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()
