"""Load the seeds directory: reference data and every mapped article, in one transaction.

Extract and verify happen before the database is changed for good: a bad file writes nothing (a
first load writes verified batches as they come, in the load's transaction, rolled back on any
bad file).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from app.db import acquire_load_lock, upgrade_schema
from app.load import corpus, tables
from app.load.changes import ARTICLES_DIR, Change, Progress, SeedsError, names_of, reference_reader, scan
from app.load.corpus import last_load
from app.load.derived import refresh_derived, snapshot
from app.load.diagnosis import LoadRefused, explain_refusal
from app.load.files import load_context
from app.load.first_load import Direct, StoredChanged, has_reports, open_direct
from app.load.plan import REFERENCE_TABLES, Collected, collect, plan
from app.load.refusals import REFUSALS, driver_error
from app.load.runs import fail_run, finish_run, start_run
from app.load.stream import STAGED, Stager, read_and_stage
from app.load.sync import Counts, SyncResult, create_stage, merge_staged, stage

# Re-exported: callers import the loader's whole surface from here.
__all__ = ["Collected", "LoadRefused", "LoadReport", "SeedsError", "collect", "load_seeds", "plan"]


@dataclass
class LoadReport:
    run_id: int
    result: SyncResult
    collected: Collected  # the reports this run read (all of them on a full load)
    seconds: float
    total: int = 0  # reports in the database after the run
    change: Change | None = None  # reports added, changed and removed
    timings: dict[str, float] = field(default_factory=dict)  # seconds by part (bench_scale.py)


def load_seeds(
    engine: Engine,
    seeds_dir: Path,
    *,
    wait: bool = True,
    collected: Collected | None = None,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Migrate, then make the database hold exactly what `seeds_dir` says. Idempotent.

    Only articles whose files changed since they were loaded are read (app/load/files.py);
    `full` reads every one. `collected` is what collect(seeds_dir) returned, when the caller
    verified it already (a full load of it).
    """
    progress = progress or Progress()
    try:
        return _load(engine, seeds_dir, wait, collected, full, workers, progress)
    finally:
        progress.done()


def _load(engine, seeds_dir, wait, collected, full, workers, progress: Progress) -> LoadReport:
    began = time.perf_counter()
    if collected is not None:
        digest, unmapped, full = collected.ref.digest, collected.unmapped, True
        mappings = [r.path for r in collected.reports]
        known = {r.path.name: r for r in collected.reports}
        ref = (lambda c: lambda: c.ref)(collected)
    else:
        digest, mappings, unmapped = scan(seeds_dir)
        known = {}
        ref = reference_reader(seeds_dir)
    context = load_context(digest)
    run = {"digest": digest, "mappings": mappings, "unmapped": unmapped, "known": known, "ref": ref}
    run |= {"context": context, "run_id": None}
    while True:
        try:
            return _attempt(engine, seeds_dir, wait, full, workers, progress, began, run)
        except StoredChanged:
            continue  # the same run (its row stays 'running'), a new transaction


def _attempt(engine, seeds_dir, wait, full, workers, progress, began, run: dict) -> LoadReport:
    """One try: verify and stage in a transaction that touches no real table until every file
    is verified, then migrate, lock, and apply. Raises StoredChanged when another loader
    committed meanwhile (the staged rows may be stale: this transaction is rolled back).

    A first load (no report in the database) writes instead each verified batch straight into
    the final tables (app/load/first_load.py): every report is new, so no MERGE is needed, and the database
    work overlaps the verification. Bad files still roll it all back, migration included."""
    digest, mappings, ref, context = run["digest"], run["mappings"], run["ref"], run["context"]
    progress.phase("scan", len(mappings))
    with engine.connect() as short:
        before = last_load(short)
        decision = corpus.decide(short, mappings, context, full)
        db_checksums = _checksums(short, decision)
        first = bool(decision.read) and not decision.loaded_before and not has_reports(short)
    progress.advance(len(mappings))
    timings: dict[str, float] = {}
    with engine.connect() as conn:
        conn.begin()
        # Until the schema is migrated this transaction creates temp tables only: it holds no
        # lock a migration (on another connection) would wait for. A first load takes the load
        # lock (and migrates, in this transaction) before verifying instead.
        stager = Stager(conn, digest)
        direct = open_direct(engine, conn, wait, run, before, ref, stager) if first else None
        try:
            streamed = read_and_stage(
                stager, seeds_dir, ref, decision.read, run["known"], db_checksums, workers, progress
            )
            with contextlib.ExitStack() as stack:
                kept_conn = stack.enter_context(engine.connect()) if decision.kept else None
                errors = streamed.errors + corpus.check_across_in_db(
                    conn, kept_conn, seeds_dir / ARTICLES_DIR, mappings, decision
                )
            if errors:
                raise SeedsError(sorted(errors, key=lambda e: str(e.path)))
        except BaseException as exc:
            if direct is not None and not direct.in_transaction:
                conn.rollback()
                fail_run(engine, direct.run_id, str(exc) or type(exc).__name__)
            raise
        if direct is None:
            upgrade_schema(engine, wait)  # after verifying: bad files leave even the schema as it was
        verified_at = time.perf_counter()  # the database part starts: the migration is not part of it
        run_id = direct.run_id if direct else (run["run_id"] or start_run(engine))
        if direct is None or not direct.in_transaction:
            run["run_id"] = run_id
        try:
            if direct is None:
                acquire_load_lock(conn, wait)
                if last_load(conn) != before:
                    raise StoredChanged
            elif stager.refused is not None:
                raise stager.refused  # a batch the database refused: named by file and fact below
            corpus.record_names(conn, mappings, decision.read)
            change = corpus.change_in_db(conn, streamed.clean)
            if direct is not None:  # written already, yet new to the database before this run
                change.added, change.changed = list(change.loading), []
            progress.phase("sync", len(change.loading))
            # Reference tables are synced when the reference data or code changed since every
            # kept report was loaded (then every report is read again too), or on a full load.
            same = conn.execute(
                text("SELECT EXISTS (SELECT 1 FROM report_files) AND NOT EXISTS"
                     " (SELECT 1 FROM report_files WHERE context <> :c)"),
                {"c": context},
            ).scalar()  # fmt: skip
            reference = (full or not same) and direct is None
            if direct is None and change.dirty:
                snapshot(conn, change.dirty)  # their figures before: refresh_derived narrows to what changed
            result = _apply(conn, ref, stager, change, reference, run_id, direct)
            if not reference and direct is None:
                _count_reference_rows(conn, result)
            corpus.count_kept_in_db(conn, result)
            corpus.record_in_db(conn, decision, context, change.removed)
            progress.advance(len(change.loading))
            changed = conn.execute(text("SELECT id FROM reports WHERE load_run_id = :r"), {"r": run_id})
            derived_began = time.perf_counter()
            refresh_derived(conn, changed.scalars().all())  # the kept analytics views
            timings["derived"] = time.perf_counter() - derived_began
            finish_run(conn, run_id, {t: vars(c) for t, c in result.counts.items()})
            conn.commit()
        except StoredChanged:
            raise
        except BaseException as exc:
            conn.rollback()
            if direct is not None and direct.in_transaction:
                # The run's row and the migration went with the rollback: as a load that is not a
                # first one would, migrate and log the run, so that its failure is recorded.
                if not isinstance(driver_error(exc), REFUSALS):
                    raise
                upgrade_schema(engine, wait)
                run_id = run["run_id"] = start_run(engine)
            refusal = explain_refusal(engine, seeds_dir, run, decision, run_id, exc, workers)
            fail_run(engine, run_id, str(refusal) if refusal else f"{type(exc).__name__}: {exc}")
            if refusal is not None:
                raise refusal from None
            raise
    finished = time.perf_counter()
    timings |= {
        "stage": stager.seconds,
        "apply": finished - verified_at + (direct.seconds if direct else 0.0),
        "report_and_facts": stager.seconds + sum(result.seconds.get(s.table, 0.0) for s in STAGED),
        "total": finished - began,
    }
    ref_read = ref.cache_info().currsize if hasattr(ref, "cache_info") else 1
    collected = Collected(ref() if ref_read else None, _ReadFiles(decision.read), run["unmapped"])
    total = decision.kept + streamed.read
    return LoadReport(run_id, result, collected, finished - began, total, change, timings)


@dataclass(slots=True)
class ReadFile:
    """A mapping file this run read (LoadReport.collected.reports on a streamed load)."""

    path: Path


class _ReadFiles(Sequence[ReadFile]):
    """The files a run read, as ReadFiles made on demand (a first load reads the whole corpus)."""

    def __init__(self, paths: Sequence[Path]):
        self.paths = paths

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index):
        return ReadFile(self.paths[index])

    def __iter__(self):
        return (ReadFile(p) for p in self.paths)


def _checksums(conn, decision: corpus.FileDecision) -> dict[str, str]:
    """slug -> load_checksum of the reports the articles re-read held (none on a first load):
    those whose checksum is unchanged are not staged again."""
    if not decision.loaded_before or not decision.read:
        return {}
    rows = conn.execute(
        text(
            "SELECT r.slug, r.load_checksum FROM reports r JOIN report_files f USING (slug)"
            " JOIN unnest(CAST(:names AS text[])) AS n(name) ON n.name = f.mapping_file"
            " WHERE r.load_checksum IS NOT NULL"
        ),
        {"names": names_of(decision.read)},
    )
    return dict(rows.all())


def _apply(
    conn, ref, stager: Stager, change: Change, reference: bool, run_id: int, direct: Direct | None = None
) -> SyncResult:
    """Stage the people (and the reference tables when they are synced), then prune and write
    every table from its stage, parents first. Reports new to the database, and their facts, are
    inserted without a MERGE when no report of the run was in the database before. After direct
    writes (a first load) only the people are merged: the rest is written already."""
    staged = dict(stager.staged) if direct is None else {}
    if reference:
        for spec, rows in plan(ref(), [], people=[], reference=True):
            if spec.table in REFERENCE_TABLES:
                staged[spec.table] = stage(conn, spec, rows)
    create_stage(conn, tables.PEOPLE)
    staged["people"] = corpus.stage_people(conn)
    specs = [spec for spec in tables.ALL if spec.table in staged]
    new_only = frozenset(s.table for s in STAGED) if not change.changed else frozenset()
    result = merge_staged(conn, specs, staged, run_id, {"dirty": change.dirty}, new_only)
    if direct is None:
        return result
    counts = direct.reference.counts | result.counts
    counts |= {s.table: Counts(inserted=stager.written[s.table]) for s in STAGED}
    people = counts["people"]  # the batches inserted the new keys; the merge found them there
    people.inserted, people.unchanged = stager.written["people"], people.unchanged - stager.written["people"]
    ordered = {spec.table: counts[spec.table] for spec in tables.ALL if spec.table in counts}
    return SyncResult(ordered, direct.reference.seconds | result.seconds)


def _count_reference_rows(conn, result: SyncResult) -> None:
    """Reference tables not synced are unchanged: count their rows for the summary, in table order."""
    counts = {}
    for spec in tables.ALL:
        if spec.table in REFERENCE_TABLES:
            counts[spec.table] = Counts(
                unchanged=conn.execute(text(f"SELECT count(*) FROM {spec.table}")).scalar()
            )
    result.counts = counts | result.counts
