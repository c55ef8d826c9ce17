"""What the loader keeps at load time (app/load/derived.py) equals a from-scratch computation."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import text

from app.load.derived import refresh_derived
from app.load.seeds import load_seeds
from app.settings import PROJECT_ROOT

ARTICLE_004 = "004_1809158b010efb0f"  # ndo-bac-kan-2024-targets: one side of the Bắc Kạn conflicts

# analytics.conflicts as it was computed before migration 0008, on every read.
CONFLICTS_FROM_SCRATCH = """
SELECT f.indicator_code, f.region_code, f.region_name, f.period_start, f.period_end,
       array_agg(f.value ORDER BY f.report_slug, f.value),
       array_agg(f.report_slug ORDER BY f.report_slug, f.value),
       array_agg(f.status ORDER BY f.report_slug, f.value),
       array_agg(f.figure_id ORDER BY f.report_slug, f.value),
       max(f.value) - min(f.value), f.region_valid_from
FROM analytics.figures f
GROUP BY f.indicator_code, f.region_code, f.region_valid_from, f.region_name, f.period_start, f.period_end,
         f.baseline_period_start, f.baseline_period_end
HAVING count(DISTINCT f.report_slug) > 1
   AND (count(DISTINCT f.value) > 1 OR count(DISTINCT f.value_high) > 1)
"""
CONFLICTS_KEPT = """
SELECT indicator_code, region_code, region_name, period_start, period_end, "values", report_slugs, statuses,
       figure_ids, spread, region_valid_from
FROM analytics.conflicts
"""
# queries/evidence_check.sql as it was before migration 0008: every span against the full text.
SPANS_FROM_SCRATCH = """
SELECT 'figure', f.figure_id FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
WHERE substr(r.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence_text
UNION ALL
SELECT 'statement', s.statement_id FROM analytics.statements s JOIN analytics.reports r USING (report_slug)
WHERE substr(r.text, s.char_start + 1, s.char_end - s.char_start) <> s.text
"""
# queries/targets_against_results.sql before migration 0008: one search of the corpus per target.
TARGETS_FROM_SCRATCH = """
SELECT t.indicator_code, t.region_code, t.region_valid_from, t.region_name, t.period_start, t.value,
       t.qualifier, a.period_start, a.value, a.status, t.report_slug, a.report_slug
FROM analytics.figures t
JOIN LATERAL (
    SELECT * FROM analytics.figures a
    WHERE a.indicator_code = t.indicator_code AND a.region_code = t.region_code
      AND a.status IN ('actual', 'preliminary') AND a.period_end < t.period_start
    ORDER BY a.period_end DESC, a.status = 'actual' DESC, a.figure_id
    LIMIT 1
) a ON true
WHERE t.status = 'target'
"""


# What migration 0009 keeps, computed from the facts on every read: each report's counts (as
# analytics.reports counted them before 0009), per-program totals, funding totals.
COUNTS_FROM_SCRATCH = """
SELECT r.id, (SELECT count(*) FROM observations o WHERE o.report_id = r.id)
             + (SELECT count(*) FROM funding f WHERE f.report_id = r.id),
       (SELECT count(*) FROM statements s WHERE s.report_id = r.id)
FROM reports r
"""
PROGRAMS_FROM_SCRATCH = """
SELECT program_code, count(*) FILTER (WHERE figure_kind = 'indicator'),
       count(*) FILTER (WHERE figure_kind = 'funding'),
       coalesce(sum(value) FILTER (WHERE figure_kind = 'funding'), 0)
FROM analytics.figures WHERE program_code IS NOT NULL GROUP BY program_code
"""
FUNDING_FROM_SCRATCH = """
SELECT program_code, region_code, region_name, region_valid_from, status, funding_source, count(*),
       sum(amount_vnd), bool_or(qualifier IS NOT NULL)
FROM analytics.funding GROUP BY 1, 2, 3, 4, 5, 6
"""


def _aggregates(conn) -> dict[str, tuple[list, list]]:
    """Kept and from-scratch rows of each table of migration 0009."""

    def rows(sql: str) -> list:
        return sorted(map(tuple, conn.execute(text(sql)).all()), key=repr)

    return {
        "report_facts": (rows("SELECT * FROM report_facts"), rows(COUNTS_FROM_SCRATCH)),
        "program_totals": (rows("SELECT * FROM analytics.program_totals"), rows(PROGRAMS_FROM_SCRATCH)),
        "funding_totals": (rows("SELECT * FROM analytics.funding_totals"), rows(FUNDING_FROM_SCRATCH)),
    }


def _series_from_scratch_sql() -> str:
    """analytics.series as migration 0006 defined it: the rules over every figure, on every read."""
    path = PROJECT_ROOT / "migrations" / "versions" / "0006_series.py"
    spec = importlib.util.spec_from_file_location("povertydb_test_revision_0006", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SERIES_SQL.replace("CREATE VIEW analytics.series AS", "", 1)


def _assert_consistent(engine) -> list:
    with engine.connect() as conn:
        series = sorted(map(tuple, conn.execute(text(_series_from_scratch_sql())).all()), key=repr)
        kept_series = sorted(map(tuple, conn.execute(text("SELECT * FROM analytics.series")).all()), key=repr)
        scratch = sorted(map(tuple, conn.execute(text(CONFLICTS_FROM_SCRATCH)).all()), key=repr)
        kept = sorted(map(tuple, conn.execute(text(CONFLICTS_KEPT)).all()), key=repr)
        spans = sorted(map(tuple, conn.execute(text(SPANS_FROM_SCRATCH)).all()))
        targets = sorted(map(tuple, conn.execute(text(TARGETS_FROM_SCRATCH)).all()), key=repr)
        kept_targets = sorted(
            map(tuple, conn.execute(text("SELECT * FROM analytics.targets_against_results")).all()), key=repr
        )
        mismatches = sorted(
            map(tuple, conn.execute(text("SELECT kind, fact_id FROM analytics.span_mismatches")))
        )
        aggregates = _aggregates(conn)
    for table, (kept_rows, scratch_rows) in aggregates.items():
        assert kept_rows == scratch_rows, table
        assert kept_rows, table  # not vacuously equal
    assert kept == scratch
    assert kept_series == series
    assert kept_targets == targets
    assert mismatches == spans
    return kept


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _figure(data: dict, key: str) -> dict:
    return next(f for f in data["figures"] if f["key"] == key)


def test_what_is_kept_at_load_equals_a_from_scratch_computation_after_load_noop_edit_removal(
    engine, seeds_copy
):
    load_seeds(engine, seeds_copy)
    first = _assert_consistent(engine)
    with engine.connect() as conn:
        for view in ("series", "targets_against_results"):  # not vacuously equal
            assert conn.execute(text(f"SELECT count(*) FROM analytics.{view}")).scalar_one() > 0, view
    rates = [c for c in first if c[0] == "poor_household_rate" and c[1] == "06"]
    assert [sorted(c[5]) for c in rates] == [[Decimal("21.95"), Decimal("22.25")]]

    load_seeds(engine, seeds_copy)  # nothing changed: nothing moves
    assert _assert_consistent(engine) == first

    mapping = seeds_copy / "articles" / f"{ARTICLE_004}.yaml"
    # The NDO report's 2023 rate becomes preliminary: the group stays, its statuses follow.
    _edit(mapping, lambda d: _figure(d, "poor-household-rate-2023").update(status="preliminary"))
    load_seeds(engine, seeds_copy)
    edited = _assert_consistent(engine)
    [rate] = [c for c in edited if c[0] == "poor_household_rate" and c[1] == "06"]
    assert "preliminary" in rate[7]
    assert len(edited) == len(first)

    for suffix in (".yaml", ".txt"):
        mapping.with_suffix(suffix).unlink()
    load_seeds(engine, seeds_copy)
    removed = _assert_consistent(engine)
    assert not [c for c in removed if "ndo-bac-kan-2024-targets" in c[6]]
    assert len(removed) < len(edited)
    with engine.connect() as conn:  # the removed report's funding and counts went with it
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM report_facts f"
                    " WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = f.report_id)"
                )
            ).scalar_one()
            == 0
        )
        assert (
            conn.execute(
                text("SELECT count(*) FROM analytics.funding_totals WHERE status = 'planned'")
            ).scalar_one()
            == 0
        )


def test_a_span_that_no_longer_gives_its_evidence_is_listed_by_evidence_check(engine):
    load_seeds(engine, PROJECT_ROOT / "seeds")
    evidence_check = (PROJECT_ROOT / "queries" / "evidence_check.sql").read_text(encoding="utf-8")
    with engine.begin() as conn:
        assert conn.execute(text(evidence_check)).all() == []
        # Same length (the CHECKs hold), other words: the offsets no longer give back the evidence.
        report_id = conn.execute(
            text(
                "UPDATE observations SET evidence_text = 'X' || substr(evidence_text, 2)"
                " WHERE fact_key = 'poor-household-rate-2023' AND evidence_text NOT LIKE 'X%'"
                " AND report_id = (SELECT id FROM reports WHERE slug = 'ndo-bac-kan-2024-targets')"
                " RETURNING report_id"
            )
        ).scalar_one()
        refresh_derived(conn, [report_id])
    _assert_consistent(engine)
    with engine.connect() as conn:
        found = conn.execute(text(evidence_check)).all()
    assert [(kind, id_.split(":")[1]) for kind, id_ in found] == [("figure", "poor-household-rate-2023")]


def test_reports_loaded_before_the_kept_tables_existed_are_derived_by_the_next_load(engine, seeds_copy):
    """Migration 0008 fills nothing itself (it must not run app code): the next load derives
    every report that derived_reports does not list, even when no report changed."""
    load_seeds(engine, seeds_copy)
    first = _assert_consistent(engine)
    with engine.begin() as conn:  # as a database migrated to 0008 after its reports were loaded
        conn.execute(
            text(
                "TRUNCATE conflict_groups, span_mismatches, target_results, series_rows, derived_reports,"
                " report_facts, program_figures, funding_totals"
            )
        )
        assert conn.execute(text("SELECT count(*) FROM analytics.conflicts")).scalar_one() == 0
    load_seeds(engine, seeds_copy)  # every checksum unchanged: no report is reloaded
    assert _assert_consistent(engine) == first


ARTICLE_000 = "000_a65e3a874b89616e"  # tnmt-bac-kan-2023-results: the preliminary side of those keys
KEYED = ("conflict_groups", "series_rows", "target_results")


def _row_versions(engine) -> dict[str, list]:
    """Each keyed kept table's rows with the transaction that wrote them (xmin)."""
    with engine.connect() as conn:
        return {
            t: sorted(map(tuple, conn.execute(text(f"SELECT xmin::text, id FROM {t}")).all())) for t in KEYED
        }


def _series_winner(engine, indicator: str) -> tuple:
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT figure_id, status, rule FROM analytics.series"
                    " WHERE indicator_code = :i AND region_code = '06' AND period_start = '2023-01-01'"
                ),
                {"i": indicator},
            ).one()
        )


def test_a_report_rewritten_with_the_same_figures_leaves_the_keyed_tables_untouched(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    before = _row_versions(engine)
    assert all(before.values())
    mapping = seeds_copy / "articles" / f"{ARTICLE_004}.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8") + "\n# a note, no figure changed\n", encoding="utf-8"
    )
    report = load_seeds(engine, seeds_copy)
    assert report.change.changed == ["ndo-bac-kan-2024-targets"]
    assert _row_versions(engine) == before  # not even rewritten with the same values
    _assert_consistent(engine)
    with engine.connect() as conn:  # the digest is recorded for every derived report
        assert conn.execute(
            text("SELECT count(*) FILTER (WHERE figures_digest IS NULL), count(*) FROM derived_reports")
        ).one() == (0, 5)


def test_edits_that_change_add_and_remove_a_keys_winner_keep_the_kept_tables_exact(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    winner = _series_winner(engine, "poor_household_rate")
    assert winner[0] == "ndo-bac-kan-2024-targets:poor-household-rate-2023"
    results = seeds_copy / "articles" / f"{ARTICLE_000}.yaml"
    targets = seeds_copy / "articles" / f"{ARTICLE_004}.yaml"

    # Another candidate of the key becomes actual too: a second winner candidate is added.
    _edit(results, lambda d: _figure(d, "poor-household-rate-2023").update(status="actual"))
    load_seeds(engine, seeds_copy)
    _assert_consistent(engine)
    assert _series_winner(engine, "poor_household_rate") != winner

    # The chosen figure changes status: the winner changes again.
    _edit(targets, lambda d: _figure(d, "poor-household-rate-2023").update(status="preliminary"))
    load_seeds(engine, seeds_copy)
    _assert_consistent(engine)
    assert (
        _series_winner(engine, "poor_household_rate")[0]
        == "tnmt-bac-kan-2023-results:poor-household-rate-2023"
    )

    # The winner's report goes: the key is left with the other report's figure alone.
    for suffix in (".yaml", ".txt"):
        results.with_suffix(suffix).unlink()
    load_seeds(engine, seeds_copy)
    _assert_consistent(engine)
    assert (
        _series_winner(engine, "poor_household_rate")[0]
        == "ndo-bac-kan-2024-targets:poor-household-rate-2023"
    )

    # A full recompute gives the same rows as the incremental refreshes did.
    incremental = _row_values(engine)
    with engine.begin() as conn:
        refresh_derived(conn, None)
    assert _row_values(engine) == incremental


def _row_values(engine) -> dict[str, list]:
    """Every kept table's rows without their ids."""
    tables = (
        *KEYED,
        "span_mismatches",
        "report_facts",
        "program_figures",
        "funding_totals",
        "derived_reports",
    )
    with engine.connect() as conn:
        return {
            t: sorted(repr(sorted((k, repr(v)) for k, v in r._mapping.items() if k != "id"))
                       for r in conn.execute(text(f"SELECT * FROM {t}")))
            for t in tables
        }  # fmt: skip


def _series_versions(engine) -> dict[tuple, str]:
    """Each series row's key and the transaction that wrote it (xmin)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indicator_code, region_code, period_start, period_end, baseline_period_start,"
                " baseline_period_end, xmin::text FROM series_rows"
            )
        ).all()
    return {tuple(r[:-1]): r[-1] for r in rows}


def test_an_edit_of_one_figure_recomputes_that_figures_keys_only(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    targets = seeds_copy / "articles" / f"{ARTICLE_004}.yaml"
    before = _series_versions(engine)
    assert len(before) > 3
    edited = ("poor_household_rate", "06", dt.date(2023, 1, 1), dt.date(2023, 12, 31), None, None)
    assert edited in before

    _edit(targets, lambda d: _figure(d, "poor-household-rate-2023").update(status="preliminary"))
    load_seeds(engine, seeds_copy)
    _assert_consistent(engine)
    after = _series_versions(engine)
    rewritten = {key for key in after if after[key] != before.get(key)}
    assert rewritten == {edited}  # the report's other keys (it has many) are left as they were

    # The figure leaves the mapping (its quote now left out): its key is recomputed without it.
    def leave_out(data: dict) -> None:
        figure = _figure(data, "poor-household-rate-2023")
        data["figures"].remove(figure)
        data.setdefault("left_out", []).append({"quote": figure["quote"], "reason": "checked elsewhere"})

    _edit(targets, leave_out)
    load_seeds(engine, seeds_copy)
    _assert_consistent(engine)
    with engine.connect() as conn:
        figure_ids = conn.execute(
            text("SELECT figure_id FROM series_rows WHERE indicator_code = 'poor_household_rate'"
                 " AND region_code = '06' AND period_start = '2023-01-01'")
        ).scalars().all()  # fmt: skip
    assert figure_ids == ["tnmt-bac-kan-2023-results:poor-household-rate-2023"]

    incremental = _row_values(engine)
    with engine.begin() as conn:
        refresh_derived(conn, None)
    assert _row_values(engine) == incremental
