"""The analytics schema as analysts and BI tools see it: columns, comments, conflicts."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import text

from app.db import make_engine
from app.load.seeds import load_seeds
from app.settings import PROJECT_ROOT
from tests.conftest import SEEDS, table_snapshot

CONTRACT = {
    "figures": {
        "figure_id",
        "figure_kind",
        "report_slug",
        "region_code",
        "region_name",
        "indicator_code",
        "unit",
        "value",
        "value_high",
        "qualifier",
        "status",
        "period_start",
        "period_end",
        "evidence_text",
        "char_start",
        "char_end",
        "program_code",
        "baseline_period_start",
        "baseline_period_end",
        "published_on",
    },
    "funding": {
        "funding_id",
        "report_slug",
        "program_code",
        "program_name",
        "region_code",
        "region_name",
        "region_valid_from",
        "amount_vnd",
        "amount_high_vnd",
        "qualifier",
        "status",
        "funding_source",
        "purpose",
        "period_start",
        "period_end",
        "evidence_text",
        "char_start",
        "char_end",
    },
    "statements": {
        "statement_id",
        "report_slug",
        "person_name",
        "position_title",
        "organization",
        "region_code",
        "region_name",
        "region_valid_from",
        "kind",
        "text",
        "char_start",
        "char_end",
    },
    "span_mismatches": {"kind", "fact_id", "report_slug"},
    "targets_against_results": {
        "indicator_code",
        "region_code",
        "region_valid_from",
        "region_name",
        "target_period",
        "target",
        "target_qualifier",
        "result_period",
        "result",
        "result_status",
        "target_source",
        "result_source",
    },
    "conflicts": {
        "indicator_code",
        "region_code",
        "region_name",
        "region_valid_from",
        "period_start",
        "period_end",
        "values",
        "report_slugs",
        "spread",
    },
    "reports": {
        "report_slug",
        "source_file",
        "title",
        "publisher",
        "author",
        "published_on",
        "url",
        "text",
        "figure_count",
        "statement_count",
    },
    "regions": {"region_code", "name", "level", "parent_code", "province_code", "valid_from", "valid_to"},
    "officials": {
        "person_name",
        "position_title",
        "organization",
        "region_code",
        "region_valid_from",
        "report_slug",
    },
    "programs": {"program_code", "name_vi", "parent_code"},
    # Totals kept by the loader (migration 0009).
    "program_totals": {"program_code", "indicator_figures", "funding_items", "funding_vnd"},
    "funding_totals": {
        "program_code",
        "region_code",
        "region_name",
        "region_valid_from",
        "status",
        "funding_source",
        "items",
        "amount_vnd_at_least",
        "some_amounts_approximate",
    },
    "indicators": {"indicator_code", "name_vi", "name_en", "unit"},
    "region_successors": {"predecessor_code", "successor_code", "coverage"},
    "region_members": {"group_code", "group_level", "group_valid_from", "member_code", "member_level"},
    "series": {
        "indicator_code",
        "region_code",
        "region_valid_from",
        "period_start",
        "period_end",
        "value",
        "figure_id",
        "report_slug",
        "rule",
        "tie",
        "alternative_values",
        "alternative_report_slugs",
    },
    # The viewer's keyset paging (migration 0010): ids and filter columns, no join.
    "figure_keys": {"figure_kind", "row_id", "period_start", "indicator_id", "region_id", "status"},
}


def _columns(conn):
    rows = conn.execute(
        text("""
        SELECT c.relname, a.attname, col_description(c.oid, a.attnum), obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'analytics' AND c.relkind = 'v'
    """)
    ).all()
    return rows


def test_every_view_has_the_columns_of_the_contract(loaded_engine):
    with loaded_engine.connect() as conn:
        columns: dict[str, set[str]] = {}
        for view, column, _, _ in _columns(conn):
            columns.setdefault(view, set()).add(column)
    assert set(columns) == set(CONTRACT)
    for view, required in CONTRACT.items():
        assert required <= columns[view], (view, required - columns[view])


def test_every_analytics_view_and_column_has_a_comment(loaded_engine):
    with loaded_engine.connect() as conn:
        rows = _columns(conn)
    assert rows
    assert [(v, c) for v, c, comment, _ in rows if not comment] == []
    assert [v for v, _, _, view_comment in rows if not view_comment] == []


def _views_with_region_code(conn) -> list[tuple[str, set[str]]]:
    columns: dict[str, set[str]] = {}
    for view, column, _, _ in _columns(conn):
        columns.setdefault(view, set()).add(column)
    return sorted((v, c) for v, c in columns.items() if "region_code" in c and v != "regions")


def test_every_view_with_a_region_code_also_has_its_validity(loaded_engine):
    """Codes were reused by the 2025 reform: a code alone does not name a region."""
    with loaded_engine.connect() as conn:
        views = _views_with_region_code(conn)
    assert {v for v, _ in views} >= {"figures", "funding", "statements", "officials", "conflicts"}
    assert [v for v, columns in views if "region_valid_from" not in columns] == []


REUSED_CODE = "06457"  # Xã Minh Hòa until 30 June 2025, Xã Tuấn Sơn from 1 July 2025


def _name_a_reused_code(seeds: Path) -> None:
    """Point a figure, the funding item, a person and a statement of 000 at a reused code."""
    path = seeds / "articles" / "000_a65e3a874b89616e.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section in ("figures", "funding", "people", "statements"):
        mapping[section][0]["region"] = REUSED_CODE
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_joining_any_view_to_regions_on_code_and_validity_gives_exactly_one_region(engine, seeds_copy):
    _name_a_reused_code(seeds_copy)
    load_seeds(engine, seeds_copy)
    reused = 0
    with engine.connect() as conn:
        for view, _ in _views_with_region_code(conn):
            counts = conn.execute(
                text(f"""
                SELECT x.region_code,
                       (SELECT count(*) FROM analytics.regions g
                        WHERE g.region_code = x.region_code
                          AND g.valid_from IS NOT DISTINCT FROM x.region_valid_from) AS by_both,
                       (SELECT count(*) FROM analytics.regions g
                        WHERE g.region_code = x.region_code) AS by_code
                FROM analytics.{view} x WHERE x.region_code IS NOT NULL
            """)
            ).all()
            assert counts, view
            assert {c.by_both for c in counts} == {1}, view
            reused += sum(c.region_code == REUSED_CODE and c.by_code == 2 for c in counts)
    # figures, funding, statements and officials each name the reused code: a join on the code
    # alone would give two regions for each of those rows.
    assert reused >= 4


def test_every_view_is_readable_and_not_empty(loaded_engine):
    with loaded_engine.connect() as conn:
        for view in CONTRACT:
            rows = conn.execute(text(f"SELECT count(*) FROM analytics.{view}")).scalar_one()
            # span_mismatches lists what the loader refuses to write: empty is its normal state.
            assert rows == 0 if view == "span_mismatches" else rows > 0, view


def test_conflicts_show_the_two_bac_kan_reports_on_2023_side_by_side(loaded_engine):
    with loaded_engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM analytics.conflicts WHERE region_code = '06'")).all()
    by_indicator = {r.indicator_code: r for r in rows}
    assert set(by_indicator) == {"poor_households", "poor_household_rate", "poor_household_rate_change"}
    for r in rows:
        assert sorted(r.report_slugs) == ["ndo-bac-kan-2024-targets", "tnmt-bac-kan-2023-results"]
        assert (r.period_start.isoformat(), r.period_end.isoformat()) == ("2023-01-01", "2023-12-31")
        assert r.spread == max(r.values) - min(r.values) > 0
    rate = by_indicator["poor_household_rate"]
    assert dict(zip(rate.report_slugs, rate.values, strict=True)) == {
        "ndo-bac-kan-2024-targets": Decimal("21.95"),
        "tnmt-bac-kan-2023-results": Decimal("22.25"),
    }


def test_every_span_of_statements_and_funding_is_its_evidence(loaded_engine):
    with loaded_engine.connect() as conn:
        for view, column in (("statements", "text"), ("funding", "evidence_text")):
            bad = conn.execute(
                text(f"""
                SELECT count(*) FROM analytics.{view} x JOIN analytics.reports r USING (report_slug)
                WHERE substr(r.text, x.char_start + 1, x.char_end - x.char_start) <> x.{column}
            """)
            ).scalar_one()
            assert bad == 0, view


def _load_in_subprocess(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url}
    code = "from app.cli import load_seeds_main; load_seeds_main()"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_two_concurrent_loads_end_in_the_same_state_as_one(new_database):
    alone, together = new_database(), new_database()
    load_seeds(make_engine(alone), SEEDS)
    first, second = _load_in_subprocess(together), _load_in_subprocess(together)
    outputs = [p.communicate(timeout=300)[0].decode() for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert sum("No changes" in out for out in outputs) == 1  # the second waited, then found nothing to do
    ignore = ("load_run_id",)
    assert table_snapshot(make_engine(together), ignore_columns=ignore) == table_snapshot(
        make_engine(alone), ignore_columns=ignore
    )
    with make_engine(together).connect() as conn:
        statuses = conn.execute(text("SELECT status FROM load_runs")).scalars().all()
    assert sorted(statuses) == ["succeeded", "succeeded"]
