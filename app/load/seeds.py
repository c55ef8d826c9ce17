"""Load the seeds directory: reference data and every mapped article, in one transaction.

Extract and verify happen before the database is touched, so a bad file writes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from app.db import acquire_load_lock, upgrade_schema
from app.load import tables
from app.load.changes import (
    ARTICLES_DIR,
    FACT_TABLES,
    Change,
    Progress,
    SeedsError,
    changes,
    count_kept,
    load_checksum,
    people_disagreeing,
    prepare,
    reference_reader,
    scan,
)
from app.load.derived import refresh_derived
from app.load.files import Decision, load_context, read_stored, record
from app.load.refusals import REFUSALS, describe, driver_error, find_refused, locate
from app.load.runs import fail_run, finish_run, start_run
from app.load.sync import Counts, SyncResult, sync_all
from app.mapping.verify import VerifiedReport, verify_file
from app.reference.catalog import Reference, read_reference
from app.reference.errors import MappingError
from app.reference.periods import parse_period
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
    with engine.connect() as conn:
        stored, _ = read_stored(conn)
    decision, verified = prepare(seeds_dir, ref, mappings, stored, context, full, known, workers, progress)
    upgrade_schema(engine, wait)  # after verifying: bad files leave even the schema as it was
    run_id = start_run(engine)
    collected = Collected(ref, verified, unmapped)  # `ref`: the reader, until plan() needs it
    try:
        with engine.begin() as conn:
            acquire_load_lock(conn, wait)
            stored_now, db_slugs = read_stored(conn)
            if stored_now != stored:  # another loader committed meanwhile: decide again
                known |= {r.path.name: r for r in verified}
                decision, verified = prepare(
                    seeds_dir, ref, mappings, stored_now, context, full, known, workers, progress
                )
                collected = Collected(ref, verified, unmapped)
            change = changes(conn, ref, decision, verified, db_slugs)
            progress.phase("sync", len(change.loading))
            # Reference tables are synced when the reference data or code changed since every
            # kept report was loaded (then every report is read again too), or on a full load.
            same = stored_now and all(s.context == context for s in stored_now.values())
            reference = full or not same
            if reference or verified:
                collected.ref = ref()
            steps = plan(collected.ref, verified, change.clean, change.people, reference=reference)
            result = sync_all(conn, steps, run_id, params={"dirty": change.dirty})
            if not reference:
                _count_reference_rows(conn, result)
            count_kept(result, decision, verified, change)
            record(conn, decision, verified, context, sorted(change.removed))
            progress.advance(len(change.loading))
            changed = conn.execute(text("SELECT id FROM reports WHERE load_run_id = :r"), {"r": run_id})
            refresh_derived(conn, changed.scalars().all())  # the kept analytics views
            finish_run(conn, run_id, {t: vars(c) for t, c in result.counts.items()})
    except BaseException as exc:
        refusal = _explain_refusal(engine, seeds_dir, collected, run_id, exc)
        fail_run(engine, run_id, str(refusal) if refusal else f"{type(exc).__name__}: {exc}")
        if refusal is not None:
            raise refusal from None
        raise
    if not isinstance(collected.ref, Reference):
        collected.ref = None  # never read: no article and no reference data changed
    total = len(decision.kept) + len(verified)
    return LoadReport(run_id, result, collected, time.perf_counter() - began, total, change)


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
    engine: Engine, seeds_dir: Path, collected: Collected, run_id: int, exc: BaseException
) -> LoadRefused | None:
    """A LoadRefused naming the file and fact of every row the database refused; None when
    `exc` is no refusal of rows (a lost connection, an interrupt...). See app/load/refusals.py."""
    error = driver_error(exc)
    if not isinstance(error, REFUSALS):
        return None
    table = error.diag.table_name or "?"
    reason = f"the database refused a row of table {table}: {error.diag.message_primary}"
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
