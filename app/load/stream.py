"""Stream the reports a load reads into its stage tables, in bounded batches.

Verified reports arrive one at a time (from the process pool, in file order); their rows are
COPYed into the load transaction's temp stages a batch at a time and dropped, so memory stays flat
however many articles are read, and the parent stages while the workers verify. What the load
still needs of a report afterwards (its report_files row: slug, people, fact counts, file signals)
goes to `stage_read` (app/load/corpus.py). Nothing reaches the real tables here: the caller
applies the stages only once every file is verified and found good.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from app.load import tables
from app.load.changes import FACT_TABLES, Progress, checksum
from app.load.corpus import READ_COLUMNS, read_row
from app.load.files import ArticleFiles
from app.load.parallel import verify_many
from app.load.sync import analyze_stage, copy_rows, create_stage
from app.mapping.verify import VerifiedReport
from app.reference.catalog import Reference
from app.reference.errors import MappingError

STAGED = (tables.REPORTS, tables.OBSERVATIONS, tables.FUNDING, tables.POSITIONS, tables.STATEMENTS)
BATCH = 100  # reports per COPY round: ~1-2 MB of rows


class Stager:
    """The report and fact stages of one transaction, and stage_read, filled a batch at a time."""

    def __init__(self, conn: Connection, digest: str, batch: int = BATCH):
        self.conn, self.digest, self.batch = conn, digest, batch
        for spec in STAGED:
            create_stage(conn, spec)
        cols = ", ".join(f"{name} {sqltype}" for name, sqltype in READ_COLUMNS)
        self.raw = conn.connection.driver_connection
        self.raw.execute(f"CREATE TEMP TABLE stage_read ({cols}) ON COMMIT DROP")
        self.rows: dict[str, list[dict]] = {spec.table: [] for spec in STAGED}
        self.read_rows: list[tuple] = []
        self.staged = dict.fromkeys(self.rows, 0)
        self.seconds = 0.0  # time spent COPYing reports and facts: part of the load's database work

    def add(self, report: VerifiedReport, load_checksum: str) -> None:
        self.rows["reports"].append(report.report | {"load_checksum": load_checksum})
        for table in FACT_TABLES:
            self.rows[table].extend(getattr(report, table))

    def add_read(self, row: tuple) -> None:
        self.read_rows.append(row)
        if len(self.read_rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        began = time.perf_counter()
        for spec in STAGED:
            if self.rows[spec.table]:
                self.staged[spec.table] += copy_rows(self.conn, spec, self.rows[spec.table])
                self.rows[spec.table] = []
        self.seconds += time.perf_counter() - began
        if self.read_rows:
            with self.raw.cursor() as cur, cur.copy("COPY stage_read FROM STDIN") as copy:
                for row in self.read_rows:
                    copy.write_row(row)
            self.read_rows = []

    def finish(self) -> None:
        self.flush()
        began = time.perf_counter()
        for spec in STAGED:
            analyze_stage(self.conn, spec)
        self.seconds += time.perf_counter() - began
        self.raw.execute("ANALYZE stage_read")


@dataclass
class Streamed:
    read: int  # reports read (verified good)
    clean: frozenset[str]  # read, but unchanged (same load checksum as the database's): not staged
    errors: list[MappingError]


def read_and_stage(
    stager: Stager,
    seeds_dir: Path,
    ref: Callable[[], Reference],
    todo: list[Path],
    known: dict[str, VerifiedReport],
    db_checksums: dict[str, str],
    workers: int | None,
    progress: Progress,
) -> Streamed:
    """Verify the articles `todo` (`known`: verified already), stage the changed ones, and record
    every good one in stage_read; collect every bad file. After the first bad file no more rows
    are staged (the load will be refused), but every file is still verified and recorded, so
    that all bad files, and the checks across files, are reported together."""
    progress.phase("verify", len(todo))
    unknown = [p for p in todo if p.name not in known] if known else todo
    fresh = verify_many(unknown, seeds_dir, ref, workers, progress.advance)
    read, clean, errors = 0, set(), []
    for path in todo:
        result = known.get(path.name) or next(fresh)
        if isinstance(result, MappingError):
            errors.append(result)
            continue
        slug, load_checksum = result.report["slug"], checksum(stager.digest, result)
        unchanged = db_checksums.get(slug) == load_checksum
        if unchanged:
            clean.add(slug)
        elif not errors:
            stager.add(result, load_checksum)
        files = ArticleFiles.stat(result.path)
        counts = {t: len(getattr(result, t)) for t in FACT_TABLES}
        stager.add_read(read_row(files, files.hashes(), result.report, result.people, counts, unchanged))
        read += 1
    stager.finish()
    return Streamed(read, frozenset(clean), errors)
