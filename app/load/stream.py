"""Stream the reports a load reads into its stage tables, in bounded batches.

Verified reports arrive one at a time (from the process pool, in file order); their rows are
COPYed into the load transaction's temp stages a batch at a time and dropped, so memory stays flat
however many articles are read, and the parent stages while the workers verify. What the load
still needs of a report afterwards (slug, people, fact counts, file signals: the checks across
files and report_files) is a ReadReport of a few hundred bytes. Nothing reaches the real tables
here: the caller applies the stages only once every file is verified and found good.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from app.load import tables
from app.load.changes import FACT_TABLES, Progress, checksum
from app.load.files import ArticleFiles, Decision
from app.load.parallel import verify_many
from app.load.sync import analyze_stage, copy_rows, create_stage
from app.mapping.verify import VerifiedReport
from app.reference.catalog import Reference
from app.reference.errors import MappingError

STAGED = (tables.REPORTS, tables.OBSERVATIONS, tables.FUNDING, tables.POSITIONS, tables.STATEMENTS)
BATCH = 100  # reports per COPY round: ~1-2 MB of rows
_REPORT_KEYS = ("slug", "source_file", "sha256", "mapping_sha256")


@dataclass
class ReadReport:
    """What a load keeps of a report it read, once its rows are staged (or found unchanged)."""

    path: Path
    report: dict  # the report row's keys in _REPORT_KEYS: no text
    people: list[dict]
    counts: dict[str, int]  # fact rows per table
    files: ArticleFiles  # stat signals when read
    hashes: tuple[str, str]  # SHA-256 of the mapping and text files

    @classmethod
    def of(cls, report: VerifiedReport) -> ReadReport:
        files = ArticleFiles.stat(report.path)
        return cls(
            report.path,
            {k: report.report[k] for k in _REPORT_KEYS},
            report.people,
            {t: len(getattr(report, t)) for t in FACT_TABLES},
            files,
            files.hashes(),
        )


class Stager:
    """The report and fact stages of one transaction, filled a batch at a time."""

    def __init__(self, conn: Connection, digest: str, batch: int = BATCH):
        self.conn, self.digest, self.batch = conn, digest, batch
        for spec in STAGED:
            create_stage(conn, spec)
        self.rows: dict[str, list[dict]] = {spec.table: [] for spec in STAGED}
        self.staged = dict.fromkeys(self.rows, 0)
        self.pending = 0
        self.seconds = 0.0  # time spent COPYing: part of the load's database work

    def add(self, report: VerifiedReport, load_checksum: str) -> None:
        self.rows["reports"].append(report.report | {"load_checksum": load_checksum})
        for table in FACT_TABLES:
            self.rows[table].extend(getattr(report, table))
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        began = time.perf_counter()
        for spec in STAGED:
            if self.rows[spec.table]:
                self.staged[spec.table] += copy_rows(self.conn, spec, self.rows[spec.table])
                self.rows[spec.table] = []
        self.pending = 0
        self.seconds += time.perf_counter() - began

    def finish(self) -> None:
        self.flush()
        began = time.perf_counter()
        for spec in STAGED:
            analyze_stage(self.conn, spec)
        self.seconds += time.perf_counter() - began


@dataclass
class Streamed:
    read: list[ReadReport]  # every report read, in file order
    clean: frozenset[str]  # read, but unchanged (same load checksum as the database's): not staged
    errors: list[MappingError]


def read_and_stage(
    stager: Stager,
    seeds_dir: Path,
    ref: Callable[[], Reference],
    decision: Decision,
    known: dict[str, VerifiedReport],
    db_checksums: dict[str, str],
    workers: int | None,
    progress: Progress,
) -> Streamed:
    """Verify every article `decision` reads (`known`: verified already) and stage the changed
    ones; collect every bad file. After the first bad file nothing more is staged (the load will
    be refused), but every file is still verified so that all bad files are named together."""
    todo = [f.mapping for f in decision.read]
    progress.phase("verify", len(todo))
    fresh = verify_many([p for p in todo if p.name not in known], seeds_dir, ref, workers, progress.advance)
    read, clean, errors = [], set(), []
    for path in todo:
        result = known.get(path.name) or next(fresh)
        if isinstance(result, MappingError):
            errors.append(result)
            continue
        slug, load_checksum = result.report["slug"], checksum(stager.digest, result)
        if db_checksums.get(slug) == load_checksum:
            clean.add(slug)
        elif not errors:
            stager.add(result, load_checksum)
        read.append(ReadReport.of(result))
    if not errors:
        stager.finish()
    return Streamed(read, frozenset(clean), errors)
