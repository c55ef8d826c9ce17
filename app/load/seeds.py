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
from app.load.changes import (
    ARTICLES_DIR,
    FACT_TABLES,
    Change,
    Progress,
    SeedsError,
    changes,
    load_checksum,
    names_of,
    people_disagreeing,
    reference_reader,
    scan,
)
from app.load.corpus import last_load
from app.load.derived import refresh_derived
from app.load.files import Decision, load_context, read_stored
from app.load.parallel import verify_many
from app.load.refusals import REFUSALS, describe, driver_error, find_refused, locate
from app.load.runs import ABANDON_SQL, RUN_LOCK_CLASS, code_version, fail_run, finish_run, start_run
from app.load.stream import STAGED, Stager, read_and_stage
from app.load.sync import Counts, SyncResult, create_stage, merge_staged, stage
from app.mapping.verify import VerifiedReport, verify_file
from app.reference.catalog import Reference, read_reference
from app.reference.errors import MappingError
from app.reference.periods import parse_period
from app.settings import PROJECT_ROOT
from app.vn.units import REFORM_DATE


class LoadRefused(SeedsError):
    """The database refused rows that verification passed: each named by its file and fact.

    The load's transaction was rolled back (no data changed); its run `run_id` is logged as failed.
    """

    def __init__(self, errors: list[MappingError], run_id: int, reason: str):
        self.run_id, self.reason = run_id, reason
        super().__init__(errors)
        if not errors:
            self.args = (reason,)


@dataclass
class Collected:
    """Everything verified under a seeds directory, ready to load."""

    ref: Reference
    reports: list[VerifiedReport]
    unmapped: list[Path]  # article texts without a mapping yet: reported, not loaded


@dataclass
class LoadReport:
    run_id: int
    result: SyncResult
    collected: Collected  # the reports this run read (all of them on a full load)
    seconds: float
    total: int = 0  # reports in the database after the run
    change: Change | None = None  # reports added, changed and removed
    timings: dict[str, float] = field(default_factory=dict)  # seconds by part (bench_scale.py)


def collect(seeds_dir: Path) -> Collected:
    """Read and verify everything under `seeds_dir`; raise SeedsError listing every bad file."""
    errors: list[MappingError] = []
    try:
        ref = read_reference(seeds_dir)
    except MappingError as exc:
        raise SeedsError([exc]) from None
    articles = seeds_dir / ARTICLES_DIR
    if not articles.is_dir():
        raise SeedsError([MappingError(articles, ["no such directory"])])
    verified: list[tuple[Path, VerifiedReport]] = []
    unmapped = [p for p in sorted(articles.glob("*.txt")) if not p.with_suffix(".yaml").exists()]
    slugs: dict[str, Path] = {}
    for path in sorted(articles.glob("*.yaml")):
        try:
            report = verify_file(path, ref)
        except MappingError as exc:
            errors.append(exc)
            continue
        slug = report.report["slug"]
        if slug in slugs:
            errors.append(MappingError(path, [f"report.slug {slug!r} is already used by {slugs[slug].name}"]))
        slugs[slug] = path
        verified.append((path, report))
    errors += people_disagreeing([(path, report.people) for path, report in verified])
    if errors:
        raise SeedsError(errors)
    return Collected(ref, [report for _, report in verified], unmapped)


REFERENCE_TABLES = ("regions", "region_successions", "region_memberships", "indicators", "programs")


def plan(
    ref: Reference | None,
    reports: list[VerifiedReport],
    skip: frozenset[str] = frozenset(),
    people: list[dict] | None = None,
    reference: bool = True,
) -> list[tuple]:
    """Rows for every table, in the order of tables.ALL; no report or fact rows for reports in
    `skip`. `people` are every report's people in file order (default: those of `reports`).
    Without `reference` the reference tables are left out (neither pruned nor merged), and `ref`
    may be None when no report is loaded."""
    loading = [r for r in reports if r.report["slug"] not in skip]
    if people is None:
        people = [p for r in reports for p in r.people]
    rows = _reference_rows(ref) if reference else {}
    rows |= {
        "reports": [r.report | {"load_checksum": load_checksum(ref, r)} for r in loading],
        # One row per key; the first file's spelling of a name is kept (keys agree: collect()).
        "people": list({p["key"]: p for p in reversed(people)}.values()),
    }
    for table in FACT_TABLES:
        rows[table] = [row for r in loading for row in getattr(r, table)]
    return [(spec, rows[spec.table]) for spec in tables.ALL if spec.table in rows]


def _reference_rows(ref: Reference) -> dict[str, list[dict]]:
    regions = [
        {
            "code": u.code,
            "name": u.name,
            "name_folded": u.name_folded,
            "unit_type": u.unit_type,
            "level": u.level,
            "parent_code": u.parent_code,
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
        }
        for u in ref.gazetteer.units
    ]
    successions = [
        {
            "predecessor_code": s.predecessor_code,
            "predecessor_valid_from": None,
            "successor_code": s.successor_code,
            "successor_valid_from": REFORM_DATE,
            "coverage": s.coverage,
        }
        for s in ref.gazetteer.successions
    ]
    memberships = [
        {"group_code": m.group_code, "member_code": m.member_code, "valid_from": m.valid_from}
        for m in ref.gazetteer.memberships
    ]
    indicators = [i.model_dump() for i in ref.indicators.values()]
    programs = []
    for p in ref.programs.values():
        span = parse_period(p.period) if p.period else None
        programs.append(
            {
                "code": p.code,
                "name_vi": p.name_vi,
                "name_en": p.name_en,
                "kind": p.kind,
                "parent_code": p.parent,
                "period_start": span.start if span else None,
                "period_end": span.end if span else None,
            }
        )
    return {
        "regions": regions,
        "region_successions": successions,
        "region_memberships": memberships,
        "indicators": indicators,
        "programs": programs,
    }


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


class _StoredChanged(Exception):
    """Another loader committed while this one verified: decide again from what it wrote."""


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
        except _StoredChanged:
            continue  # the same run (its row stays 'running'), a new transaction


def _attempt(engine, seeds_dir, wait, full, workers, progress, began, run: dict) -> LoadReport:
    """One try: verify and stage in a transaction that touches no real table until every file
    is verified, then migrate, lock, and apply. Raises _StoredChanged when another loader
    committed meanwhile (the staged rows may be stale: this transaction is rolled back).

    A first load (no report in the database) writes instead each verified batch straight into
    the final tables (_open_direct): every report is new, so no MERGE is needed, and the database
    work overlaps the verification. Bad files still roll it all back, migration included."""
    digest, mappings, ref, context = run["digest"], run["mappings"], run["ref"], run["context"]
    progress.phase("scan", len(mappings))
    with engine.connect() as short:
        before = last_load(short)
        decision = corpus.decide(short, mappings, context, full)
        db_checksums = _checksums(short, decision)
        first = bool(decision.read) and not decision.loaded_before and not _has_reports(short)
    progress.advance(len(mappings))
    timings: dict[str, float] = {}
    with engine.connect() as conn:
        conn.begin()
        # Until the schema is migrated this transaction creates temp tables only: it holds no
        # lock a migration (on another connection) would wait for. A first load takes the load
        # lock (and migrates, in this transaction) before verifying instead.
        stager = Stager(conn, digest)
        direct = _open_direct(engine, conn, wait, run, before, ref, stager) if first else None
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
                    raise _StoredChanged
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
        except _StoredChanged:
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
            refusal = _explain_refusal(engine, seeds_dir, run, decision, run_id, exc, workers)
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


def _has_reports(conn) -> bool:
    if conn.execute(text("SELECT to_regclass('reports') IS NULL")).scalar():
        return False
    return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM reports)")).scalar())


@dataclass
class _Direct:
    """A first load writing its batches into the final tables: its run, and the reference sync."""

    run_id: int
    in_transaction: bool  # the run's row (and the migration) are in the load's transaction
    reference: SyncResult
    seconds: float


def _open_direct(engine, conn, wait, run: dict, before: int, ref, stager: Stager) -> _Direct:
    """Before a first load verifies: its run, the load lock, the schema and the reference tables,
    then Stager.write_directly. On a database not yet migrated the migration and the run's row
    are made in the load's transaction, so bad files still leave not even the schema."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    head = ScriptDirectory.from_config(config).get_current_head() or ""
    at_head = MigrationContext.configure(conn).get_current_revision() == head
    run_id = (run["run_id"] or start_run(engine)) if at_head else 0
    try:
        acquire_load_lock(conn, wait)
        if not at_head:
            if MigrationContext.configure(conn).get_current_revision() != head:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            run_id = conn.execute(
                text("INSERT INTO load_runs (status, code_version) VALUES ('running', :v) RETURNING id"),
                {"v": code_version()},
            ).scalar_one()
            conn.execute(text(ABANDON_SQL), {"me": run_id, "cls": RUN_LOCK_CLASS})
        if last_load(conn) != before:
            raise _StoredChanged
        began = time.perf_counter()
        staged = {}
        for spec, rows in plan(ref(), [], people=[], reference=True):
            if spec.table in REFERENCE_TABLES:
                staged[spec.table] = stage(conn, spec, rows)
        specs = [spec for spec in tables.ALL if spec.table in staged]
        reference = merge_staged(conn, specs, staged, run_id, {"dirty": []})
        stager.write_directly(run_id)
    except BaseException as exc:
        if at_head:
            run["run_id"] = run_id  # _StoredChanged: the same run tries again
            if not isinstance(exc, _StoredChanged):
                conn.rollback()
                fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    return _Direct(run_id, not at_head, reference, time.perf_counter() - began)


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
    conn, ref, stager: Stager, change: Change, reference: bool, run_id: int, direct: _Direct | None = None
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


def _explain_refusal(
    engine: Engine, seeds_dir: Path, run: dict, decision, run_id: int, exc: BaseException, workers
) -> LoadRefused | None:
    """A LoadRefused naming the file and fact of every row the database refused; None when
    `exc` is no refusal of rows (a lost connection, an interrupt...). See app/load/refusals.py.

    The load kept no rows of the reports it read (they were streamed into its stages): they are
    verified again here, in memory: a refusal is rare and its diagnosis may take the time."""
    error = driver_error(exc)
    if not isinstance(error, REFUSALS):
        return None
    table = error.diag.table_name or "?"
    reason = f"the database refused a row of table {table}: {error.diag.message_primary}"
    known = run["known"]
    paths = list(decision.read)
    fresh = verify_many([p for p in paths if p.name not in known], seeds_dir, run["ref"], workers)
    reports = [known.get(p.name) or next(fresh) for p in paths]
    collected = Collected(run["ref"](), [r for r in reports if isinstance(r, VerifiedReport)], [])
    try:
        with engine.connect() as conn:
            replay = conn.begin()
            try:
                acquire_load_lock(conn, wait=True)
                stored, db_slugs = read_stored(conn)
                kept = {s.mapping_file: s for s in stored.values()}
                decision = Decision(
                    kept={n: s for n, s in kept.items() if n not in {r.path.name for r in collected.reports}}
                )
                ref = collected.ref if isinstance(collected.ref, Reference) else collected.ref()
                change = changes(conn, lambda: ref, decision, collected.reports, db_slugs)
                steps = plan(ref, collected.reports, change.clean, change.people)
                refused = find_refused(conn, steps, run_id, {"dirty": change.dirty}, table)
            finally:
                replay.rollback()  # a diagnosis only: it never keeps a row
    except Exception:  # the replay is a diagnosis; when it cannot run, the reason is still known
        refused = []
    by_file: dict[Path, list[str]] = {}
    for r in refused:
        path, fact = locate(r, collected.reports, seeds_dir)
        by_file.setdefault(path, []).append(f"{fact}: {describe(r)}")
    if refused:
        reason = f"the database refused {len(refused)} row(s) of table {table} that verification passed"
    return LoadRefused([MappingError(p, problems) for p, problems in by_file.items()], run_id, reason)
