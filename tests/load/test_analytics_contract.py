"""The analytics schema as analysts and BI tools see it: columns, comments, conflicts."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

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
        "kind",
        "text",
        "char_start",
        "char_end",
    },
    "conflicts": {
        "indicator_code",
        "region_code",
        "region_name",
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
    "officials": {"person_name", "position_title", "organization", "region_code", "report_slug"},
    "programs": {"program_code", "name_vi", "parent_code"},
    "indicators": {"indicator_code", "name_vi", "name_en", "unit"},
    "region_successors": {"predecessor_code", "successor_code", "coverage"},
    "region_members": {"group_code", "group_level", "group_valid_from", "member_code", "member_level"},
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


def test_every_view_is_readable_and_not_empty(loaded_engine):
    with loaded_engine.connect() as conn:
        for view in CONTRACT:
            assert conn.execute(text(f"SELECT count(*) FROM analytics.{view}")).scalar_one() > 0, view


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
