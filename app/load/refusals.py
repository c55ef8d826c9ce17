"""Which staged rows the database refuses, and which seed file and fact each comes from.

Verification mirrors the schema's CHECK constraints (app/mapping/rules.py), so a refusal here
means a rule that verification does not know. The loader then reports the file and the fact,
never the server's raw DETAIL.

How the rows are found: the failed load is rolled back; the same plan is replayed in a fresh
transaction that is always rolled back, parents first as in sync_all, and the refused table's
rows are applied in halves under SAVEPOINTs: a half that applies stays (so that later rows meet
it, as they did in the load: a duplicate is refused on its second occurrence), a half that is
refused is split again, down to single rows. Asking the database itself, rather than re-checking
rows in Python, finds any kind of refusal (CHECK, UNIQUE, foreign key, NOT NULL, a trigger, a
constraint added by hand) at the cost of about 2·log2(n) staged batches per refused row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import Connection

from app.load.sync import TableSync, prune, stage, upsert
from app.mapping.verify import VerifiedReport
from app.reference.catalog import INDICATORS_FILE, PROGRAMS_FILE
from app.reference.gazetteer import BEFORE_FILE, CONVERSION_FILE

REFUSALS = (psycopg.errors.IntegrityError, psycopg.errors.DataError)

# Fact tables: the section of the mapping file that holds their rows, and its key column.
_SECTIONS = {
    "observations": ("figures", "fact_key"),
    "funding": ("funding", "fact_key"),
    "statements": ("statements", "fact_key"),
    "positions": ("people", "person_key"),
}
# Reference tables: the seed file their rows come from, and their key column.
_REFERENCE = {
    "indicators": (INDICATORS_FILE, "code"),
    "programs": (PROGRAMS_FILE, "code"),
    "regions": (BEFORE_FILE, "code"),
    "region_successions": (CONVERSION_FILE, "predecessor_code"),
}


@dataclass(frozen=True)
class Refused:
    """One staged row the database refuses on its own, and the constraint that refuses it."""

    table: str
    row: dict
    constraint: str | None
    reason: str  # the server's primary message, without DETAIL or HINT


def driver_error(exc: BaseException) -> BaseException:
    """The psycopg error behind a SQLAlchemy wrapper, or `exc` itself."""
    return getattr(exc, "orig", None) or exc


def find_refused(
    conn: Connection, plan: Sequence[tuple[TableSync, Iterable[dict]]], run_id: int, params: dict, table: str
) -> list[Refused]:
    """Replay `plan` in `conn` (the caller rolls it back) and return the refused rows of `table`."""
    plan = [(spec, list(rows)) for spec, rows in plan]
    for spec, rows in plan:
        stage(conn, spec, rows)
    for spec, _ in reversed(plan):
        prune(conn, spec, params)
    for spec, rows in plan:
        if spec.table == table:
            refused: list[Refused] = []
            _bisect(conn, spec, rows, run_id, refused)
            return refused
        upsert(conn, spec, run_id)
    return []


def _bisect(conn: Connection, spec: TableSync, rows: list[dict], run_id: int, out: list[Refused]) -> None:
    if not rows:
        return
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute("SAVEPOINT refusal")
        try:
            cur.execute(f"DROP TABLE IF EXISTS {spec.stage}, src_{spec.table}")
            stage(conn, spec, rows)
            upsert(conn, spec, run_id)
        except REFUSALS as exc:
            cur.execute("ROLLBACK TO SAVEPOINT refusal")
            if len(rows) == 1:
                diag = exc.diag
                out.append(Refused(spec.table, rows[0], diag.constraint_name, diag.message_primary or ""))
                return
            half = len(rows) // 2
            _bisect(conn, spec, rows[:half], run_id, out)
            _bisect(conn, spec, rows[half:], run_id, out)
        finally:
            cur.execute("RELEASE SAVEPOINT refusal")


def locate(refused: Refused, reports: Sequence[VerifiedReport], seeds_dir: Path) -> tuple[Path, str]:
    """(seed file, "figures[3] (key)"-style name of the fact) that produced a refused row."""
    row, table = refused.row, refused.table
    by_slug = {r.report["slug"]: r for r in reports}
    if table in _SECTIONS:
        section, key_column = _SECTIONS[table]
        report = by_slug.get(row.get("report_slug"))
        key = row.get(key_column)
        if report is None:
            return seeds_dir, f"{section} ({key})"
        keys = [r.get(key_column) for r in getattr(report, table)]
        index = f"[{keys.index(key)}]" if key in keys else ""
        return report.path or Path(report.report["source_file"]), f"{section}{index} ({key})"
    if table == "reports":
        report = by_slug.get(row.get("slug"))
        return (report.path if report and report.path else Path(row.get("source_file", "?"))), "report"
    if table == "people":
        for report in reports:
            keys = [p["key"] for p in report.people]
            if row.get("key") in keys and report.path:
                return report.path, f"people[{keys.index(row['key'])}] ({row['key']})"
    if table in _REFERENCE:
        path, key_column = _REFERENCE[table]
        return seeds_dir / path, f"{key_column} {row.get(key_column)!r}"
    return seeds_dir, f"a row of {table}"


def describe(refused: Refused) -> str:
    """What the database says about one row, in one line: its rule, never its DETAIL."""
    reason = refused.reason or f"constraint {refused.constraint} on table {refused.table}"
    return f"the database refuses it: {reason} (a rule that verification does not know yet)"
