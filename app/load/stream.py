"""Stream the reports a load reads into its stage tables, in bounded batches.

Verified reports arrive one at a time (from the process pool, in file order); their rows are
COPYed into the load transaction's temp stages a batch at a time and dropped, so memory stays flat
however many articles are read, and the parent stages while the workers verify. What the load
still needs of a report afterwards (its report_files row: slug, people, fact counts, file signals)
goes to `stage_read` (app/load/corpus.py). Nothing reaches the real tables here, except on a
first load (`Stager.write_directly`): then every report is new, and each batch is COPYed straight
into the final tables, its keys resolved in Python (app/load/direct.py), so the database
work overlaps the workers' verification. It is the load's one transaction all the same: a bad
file found later rolls it all back.
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
from app.load.direct import Resolver
from app.load.files import ArticleFiles
from app.load.parallel import verify_many
from app.load.refusals import REFUSALS, driver_error
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
        self.run_id: int | None = None  # set: batches are written into the final tables
        self.people: list[tuple] = []  # the batch's people, in file order (direct writes only)
        self.written = dict.fromkeys(self.rows, 0) | {"people": 0}  # rows inserted by direct writes
        self.refused: BaseException | None = None  # the database refused a direct batch

    def write_directly(self, run_id: int) -> None:
        """From now on write each batch into the final tables, rows marked with `run_id`: only
        when no report of the run can exist in the database yet (a first load), under the load
        lock, with the reference tables already synced."""
        self.run_id = run_id
        self.resolver = Resolver(self.raw)
        self.raw.execute(
            "CREATE TEMP TABLE batch_people (n integer, key text, full_name text, name_folded text)"
            " ON COMMIT DROP"
        )

    def add(self, report: VerifiedReport, load_checksum: str) -> None:
        self.rows["reports"].append(report.report | {"load_checksum": load_checksum})
        for table in FACT_TABLES:
            self.rows[table].extend(getattr(report, table))
        if self.run_id is not None:
            self.people.extend((p["key"], p["full_name"], p["name_folded"]) for p in report.people)

    def add_read(self, row: tuple) -> None:
        self.read_rows.append(row)
        if len(self.read_rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        began = time.perf_counter()
        if self.run_id is not None:
            self._write_batch()
        else:
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

    def _write_batch(self) -> None:
        """The batch into the final tables by COPY, under a SAVEPOINT. A refused batch is undone
        and recorded, and no later batch is written: the load will be refused (named by file and
        fact, app/load/refusals.py) unless a bad file refuses it first; verification goes on."""
        rows, people = self.rows, self.people
        self.rows, self.people = {spec.table: [] for spec in STAGED}, []
        if self.refused is not None or not rows["reports"]:
            return
        written = dict.fromkeys(self.written, 0)
        try:
            with self.raw.transaction():  # a SAVEPOINT: the load's transaction is open
                written["reports"] = self._copy(tables.REPORTS, self._report_rows(rows["reports"]))
                written["people"] = self._insert_people(people)
                reports = self._ids("reports", "slug", [r["slug"] for r in rows["reports"]])
                persons = self._ids("people", "key", sorted({p[0] for p in people}))
                for spec in STAGED[1:]:
                    facts = self.resolver.rows(spec, rows[spec.table], reports, persons)
                    written[spec.table] = self._copy(spec, facts)
        except Exception as exc:
            if not isinstance(driver_error(exc), REFUSALS):
                raise
            self.refused = exc
            return
        for table, n in written.items():
            self.written[table] += n
        for spec in STAGED:
            self.staged[spec.table] += len(rows[spec.table])

    def _report_rows(self, rows: list[dict]):
        return ([row[c] for c in tables.REPORTS.columns] for row in rows)

    def _copy(self, spec, rows) -> int:
        """COPY `rows` (values of spec.columns) into the table of `spec`, marked with the run."""
        count = 0
        sql = f"COPY {spec.table} ({', '.join(spec.columns)}, load_run_id) FROM STDIN"
        with self.raw.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                row.append(self.run_id)
                copy.write_row(row)
                count += 1
        return count

    def _ids(self, table: str, key: str, values: list[str]) -> dict[str, int]:
        """id by natural key of the batch's rows (through the key's unique index)."""
        if not values:
            return {}
        with self.raw.cursor() as cur:
            cur.execute(f"SELECT {key}, id FROM {table} WHERE {key} = ANY(%s)", (values,))
            return dict(cur.fetchall())

    def _insert_people(self, people: list[tuple]) -> int:
        """The batch's people whose key is new, each with its first spelling in file order (as
        corpus.stage_people: the people merge after the last batch then changes nothing)."""
        if not people:
            return 0
        with self.raw.cursor() as cur:
            cur.execute("TRUNCATE batch_people")
            with cur.copy("COPY batch_people FROM STDIN") as copy:
                for n, person in enumerate(people):
                    copy.write_row((n, *person))
            cur.execute(
                "INSERT INTO people (key, full_name, name_folded, load_run_id)"
                " SELECT DISTINCT ON (key) key, full_name, name_folded, %s FROM batch_people b"
                " WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.key = b.key) ORDER BY key, n",
                (self.run_id,),
            )
            return max(cur.rowcount, 0)

    def finish(self) -> None:
        self.flush()
        began = time.perf_counter()
        for spec in STAGED if self.run_id is None else ():
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
