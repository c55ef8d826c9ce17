"""What a seeds directory yields: every file verified (collect), and the rows of every table (plan).

Used by the loader, the refusal diagnosis and scripts/bench_load.py; no database here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.load import tables
from app.load.changes import ARTICLES_DIR, FACT_TABLES, SeedsError, load_checksum, people_disagreeing
from app.mapping.verify import VerifiedReport, verify_file
from app.reference.catalog import Reference, read_reference
from app.reference.errors import MappingError
from app.reference.periods import parse_period
from app.vn.units import REFORM_DATE


@dataclass
class Collected:
    """Everything verified under a seeds directory, ready to load."""

    ref: Reference
    reports: list[VerifiedReport]
    unmapped: list[Path]  # article texts without a mapping yet: reported, not loaded


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
