"""Load the seeds directory: reference data and every mapped article, in one transaction.

Extract and verify happen before the database is touched, so a bad file writes nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from app.db import acquire_load_lock, upgrade_schema
from app.load import tables
from app.load.derived import refresh_derived
from app.load.refusals import REFUSALS, describe, driver_error, find_refused, locate
from app.load.runs import code_version, fail_run, finish_run, start_run
from app.load.sync import SyncResult, sync_all
from app.mapping.errors import MappingError
from app.mapping.periods import parse_period
from app.mapping.reference import Reference, read_reference
from app.mapping.verify import VerifiedReport, verify_file
from app.vn.normalize import normalize_name
from app.vn.units import REFORM_DATE

ARTICLES_DIR = "articles"


class SeedsError(ValueError):
    """Problems in one or more seed files; `errors` holds one MappingError per file."""

    def __init__(self, errors: list[MappingError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


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
    collected: Collected
    seconds: float


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
    errors += _people_disagreeing(verified)
    if errors:
        raise SeedsError(errors)
    return Collected(ref, [report for _, report in verified], unmapped)


def _people_disagreeing(verified: list[tuple[Path, VerifiedReport]]) -> list[MappingError]:
    """A person key names one person everywhere: `people.key` is global, so that one official is
    linked across reports. The same key with another name in a second file would silently give
    the first person's statements to the second; it is an error naming both files.

    Names are compared in NFC with one tone-mark convention and single spaces ("Hoà" is "Hòa"),
    since pages differ in where they put the mark. Folded equality is not enough: "Hưng" and
    "Hùng" fold alike but are different names.
    """
    first: dict[str, tuple[Path, str]] = {}
    errors = []
    for path, report in verified:
        for person in report.people:
            key, name = person["key"], person["full_name"]
            seen = first.setdefault(key, (path, name))
            if normalize_name(seen[1]) != normalize_name(name):
                errors.append(
                    MappingError(
                        path,
                        [
                            f"people: key {key!r} names {name!r} here but {seen[1]!r} in {seen[0]}; "
                            "a person key is shared by every report, so use one name for one person "
                            "and another key for another person"
                        ],
                    )
                )
    return errors


FACT_TABLES = ("observations", "funding", "positions", "statements")


def load_checksum(ref: Reference, report: VerifiedReport) -> str:
    """What decides whether a report must be reloaded: its text, its mapping, the code, the reference data."""
    parts = (report.report["sha256"], report.report["mapping_sha256"], code_version(), ref.digest)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def plan(ref: Reference, reports: list[VerifiedReport], skip: frozenset[str] = frozenset()) -> list[tuple]:
    """Rows for every table, in the order of tables.ALL; no fact rows for reports in `skip`."""
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
    rows = {
        "regions": regions,
        "region_successions": successions,
        "region_memberships": memberships,
        "indicators": indicators,
        "programs": programs,
        "reports": [r.report | {"load_checksum": load_checksum(ref, r)} for r in reports],
        # One row per key; the first file's spelling of a name is kept (keys agree: collect()).
        "people": list({p["key"]: p for r in reversed(reports) for p in r.people}.values()),
    }
    loading = [r for r in reports if r.report["slug"] not in skip]
    for table in FACT_TABLES:
        rows[table] = [row for r in loading for row in getattr(r, table)]
    return [(spec, rows[spec.table]) for spec in tables.ALL]


def load_seeds(
    engine: Engine, seeds_dir: Path, *, wait: bool = True, collected: Collected | None = None
) -> LoadReport:
    """Migrate, then make the database hold exactly what `seeds_dir` says. Idempotent.

    `collected` is what collect(seeds_dir) returned, when the caller verified it already.
    """
    began = time.perf_counter()
    collected = collected or collect(seeds_dir)
    upgrade_schema(engine, wait)
    run_id = start_run(engine)
    try:
        with engine.begin() as conn:
            acquire_load_lock(conn, wait)
            clean = _unchanged_reports(conn, collected)
            steps = plan(collected.ref, collected.reports, clean)
            result = sync_all(conn, steps, run_id, params={"clean": sorted(clean)})
            for table in FACT_TABLES:  # facts of skipped reports are unchanged without a look
                result.of(table).unchanged += sum(
                    len(getattr(r, table)) for r in collected.reports if r.report["slug"] in clean
                )
            changed = conn.execute(text("SELECT id FROM reports WHERE load_run_id = :r"), {"r": run_id})
            refresh_derived(conn, changed.scalars().all())  # the kept analytics views
            finish_run(conn, run_id, {t: vars(c) for t, c in result.counts.items()})
    except BaseException as exc:
        refusal = _explain_refusal(engine, seeds_dir, collected, run_id, exc)
        fail_run(engine, run_id, str(refusal) if refusal else f"{type(exc).__name__}: {exc}")
        if refusal is not None:
            raise refusal from None
        raise
    return LoadReport(run_id, result, collected, time.perf_counter() - began)


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
                clean = _unchanged_reports(conn, collected)
                steps = plan(collected.ref, collected.reports, clean)
                refused = find_refused(conn, steps, run_id, {"clean": sorted(clean)}, table)
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


def _unchanged_reports(conn, collected: Collected) -> frozenset[str]:
    """Slugs whose stored load checksum equals the one they would be loaded with now."""
    stored = dict(conn.execute(text("SELECT slug, load_checksum FROM reports")).all())
    return frozenset(
        r.report["slug"]
        for r in collected.reports
        if stored.get(r.report["slug"]) == load_checksum(collected.ref, r)
    )
