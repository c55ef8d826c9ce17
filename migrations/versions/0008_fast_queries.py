"""Fast analyst queries at millions of figures: what whole-corpus views need, kept at load time.

- conflict_groups holds analytics.conflicts' rows (one per disagreeing indicator, region and period);
  the load refreshes the groups its changed reports touch (app/load/derived.py). The view keeps its
  columns and comments.
- span_mismatches holds the facts whose offsets do not give back their evidence, checked once per
  changed report at load; analytics.span_mismatches shows them, so that queries/evidence_check.sql
  no longer reads each report's full text once per figure.
- target_results holds analytics.targets_against_results: each target with its latest earlier result,
  refreshed for the indicator and region codes the changed reports touch.
- series_rows holds analytics.series, refreshed for the keys the changed reports touch, from
  series_computed (0006's rules, limited to the keys in series_scope).
- Indexes for the lookups of the worked queries and of the refresh.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 20:40:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFLICTS = """
CREATE OR REPLACE VIEW analytics.conflicts AS
SELECT c.indicator_code,
       g.code          AS region_code,
       g.name          AS region_name,
       c.period_start,
       c.period_end,
       c."values",
       c.report_slugs,
       c.statuses,
       c.figure_ids,
       c.spread,
       g.valid_from    AS region_valid_from
FROM conflict_groups c
JOIN regions g ON g.id = c.region_id
"""

SPAN_MISMATCHES = """
CREATE VIEW analytics.span_mismatches AS
SELECT m.kind,
       m.fact_id,
       r.slug AS report_slug
FROM span_mismatches m
JOIN reports r ON r.id = m.report_id
"""
SPAN_COMMENT = (
    "Facts whose offsets do not give back their evidence: substr(reports.text, char_start + 1, "
    "char_end - char_start) <> the fact's words. Checked by the loader for every report it writes, "
    "in the same transaction; empty is what the loader guarantees."
)
SPAN_COLUMNS = {
    "kind": "figure (analytics.figures, funding items included) or statement (analytics.statements).",
    "fact_id": "analytics.figures.figure_id or analytics.statements.statement_id of the fact.",
    "report_slug": "The report whose text the offsets point into (analytics.reports).",
}

TARGETS = """
CREATE VIEW analytics.targets_against_results AS
SELECT t.indicator_code, t.region_code, t.region_valid_from, t.region_name, t.target_period, t.target,
       t.target_qualifier, t.result_period, t.result, t.result_status, t.target_source, t.result_source
FROM target_results t
"""
TARGETS_COMMENT = (
    "Each target next to the latest actual or preliminary figure of the same indicator and region code "
    "from an earlier period (the later period end first, then actual before preliminary, then figure_id). "
    "Kept by the loader for the reports it writes; targets with no earlier result are not listed."
)
TARGETS_COLUMNS = {
    "indicator_code": "The indicator (analytics.indicators; funding_<status> for funding items).",
    "region_code": "GSO code of the target's region; results are matched on this code.",
    "region_valid_from": "First day the target's region is valid: NULL for units of before the 2025 reform, "
    "2025-07-01 for units created by it. Join analytics.regions on region_code and valid_from together.",
    "region_name": "Official name of the target's region.",
    "target_period": "First day of the period the target is for.",
    "target": "The target value (the low end of a range).",
    "target_qualifier": "Word before the target number (more_than, nearly, about, ...); NULL when exact.",
    "result_period": "First day of the period of the result.",
    "result": "The result value: the latest actual or preliminary figure ending before the target period.",
    "result_status": "actual or preliminary.",
    "target_source": "Report of the target (analytics.reports).",
    "result_source": "Report of the result (analytics.reports).",
}

# analytics.series (0006) chose among all figures on every read. Its body becomes series_computed,
# limited to the keys listed in series_scope (which the loader fills, then empties, in its
# transaction); analytics.series reads series_rows, which the loader refreshes from it.
SERIES_COLUMNS = (
    ("indicator_code", sa.Text()),
    ("region_code", sa.Text()),
    ("region_valid_from", sa.Date()),
    ("region_name", sa.Text()),
    ("period_start", sa.Date()),
    ("period_end", sa.Date()),
    ("baseline_period_start", sa.Date()),
    ("baseline_period_end", sa.Date()),
    ("unit", sa.Text()),
    ("value", sa.Numeric()),
    ("value_high", sa.Numeric()),
    ("qualifier", sa.Text()),
    ("status", sa.Text()),
    ("published_on", sa.Date()),
    ("figure_id", sa.Text()),
    ("report_slug", sa.Text()),
    ("rule", sa.Text()),
    ("rule_text", sa.Text()),
    ("tie", sa.Boolean()),
    ("candidate_count", sa.BigInteger()),
    ("report_count", sa.BigInteger()),
    ("alternative_values", postgresql.ARRAY(sa.Numeric())),
    ("alternative_values_high", postgresql.ARRAY(sa.Numeric())),
    ("alternative_statuses", postgresql.ARRAY(sa.Text())),
    ("alternative_report_slugs", postgresql.ARRAY(sa.Text())),
    ("alternative_figure_ids", postgresql.ARRAY(sa.Text())),
)
SCOPED = """FROM analytics.figures f
    JOIN regions sg ON sg.code = f.region_code AND sg.valid_from IS NOT DISTINCT FROM f.region_valid_from
    JOIN series_scope k ON k.indicator_code = f.indicator_code AND k.region_id = sg.id
     AND k.period_start = f.period_start AND k.period_end = f.period_end
     AND k.baseline_period_start IS NOT DISTINCT FROM f.baseline_period_start
     AND k.baseline_period_end IS NOT DISTINCT FROM f.baseline_period_end"""

INDEXES = {
    # analytics.figures names a funding item's indicator 'funding_' || status: results of one
    # indicator and region are then an index lookup (the refresh of target_results).
    "ix_funding_indicator_region": ("funding", [sa.text("('funding_'::text || status)"), "region_id"]),
    "ix_series_rows_key": ("series_rows", ["indicator_code", "region_code", "period_start"]),
    "ix_series_rows_region": ("series_rows", ["region_code", "indicator_code"]),
    "ix_series_rows_report_slug": ("series_rows", ["report_slug"]),
    "ix_target_results_pair": ("target_results", ["indicator_code", "region_code"]),
    "ix_target_results_target_report_id": ("target_results", ["target_report_id"]),
    "ix_target_results_result_report_id": ("target_results", ["result_report_id"]),
    "ix_regions_code": ("regions", ["code"]),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _revision(name: str):
    """Another revision's module (revision files are not an importable package)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"povertydb_revision_{name[:4]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.create_table(
        "conflict_groups",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("indicator_code", sa.Text(), nullable=False),
        sa.Column("region_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("baseline_period_start", sa.Date(), nullable=True),
        sa.Column("baseline_period_end", sa.Date(), nullable=True),
        sa.Column("values", postgresql.ARRAY(sa.Numeric()), nullable=False),
        sa.Column("report_slugs", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("statuses", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("figure_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("spread", sa.Numeric(), nullable=False),
        sa.Column("report_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_groups")),
    )
    op.create_index(
        "ix_conflict_groups_key",
        "conflict_groups",
        [
            "indicator_code",
            "region_id",
            "period_start",
            "period_end",
            "baseline_period_start",
            "baseline_period_end",
        ],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_index(
        "ix_conflict_groups_report_ids", "conflict_groups", ["report_ids"], postgresql_using="gin"
    )
    op.create_table(
        "span_mismatches",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("fact_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "fact_id", name=op.f("pk_span_mismatches")),
    )
    op.create_index(op.f("ix_span_mismatches_report_id"), "span_mismatches", ["report_id"])
    op.create_table(
        "target_results",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("target_report_id", sa.BigInteger(), nullable=False),
        sa.Column("result_report_id", sa.BigInteger(), nullable=False),
        sa.Column("indicator_code", sa.Text(), nullable=False),
        sa.Column("region_code", sa.Text(), nullable=False),
        sa.Column("region_valid_from", sa.Date(), nullable=True),
        sa.Column("region_name", sa.Text(), nullable=False),
        sa.Column("target_period", sa.Date(), nullable=False),
        sa.Column("target", sa.Numeric(), nullable=False),
        sa.Column("target_qualifier", sa.Text(), nullable=True),
        sa.Column("result_period", sa.Date(), nullable=False),
        sa.Column("result", sa.Numeric(), nullable=False),
        sa.Column("result_status", sa.Text(), nullable=False),
        sa.Column("target_source", sa.Text(), nullable=False),
        sa.Column("result_source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_results")),
    )
    op.create_table(
        "derived_reports",
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_derived_reports")),
    )
    op.create_table(
        "series_scope",
        sa.Column("indicator_code", sa.Text(), nullable=False),
        sa.Column("region_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("baseline_period_start", sa.Date(), nullable=True),
        sa.Column("baseline_period_end", sa.Date(), nullable=True),
    )
    op.create_table(
        "series_rows",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        *(sa.Column(name, type_, nullable=True) for name, type_ in SERIES_COLUMNS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_rows")),
    )
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.create_index(
        "ix_series_rows_report_slugs", "series_rows", ["alternative_report_slugs"], postgresql_using="gin"
    )
    series = _revision("0006_series").SERIES_SQL
    assert "FROM analytics.figures f" in series
    op.execute(
        series.replace("CREATE VIEW analytics.series", "CREATE VIEW series_computed", 1).replace(
            "FROM analytics.figures f", SCOPED, 1
        )
    )
    columns = ", ".join(name for name, _ in SERIES_COLUMNS)
    op.execute(f"CREATE OR REPLACE VIEW analytics.series AS SELECT {columns} FROM series_rows")

    op.execute(CONFLICTS)
    op.execute(SPAN_MISMATCHES)
    op.execute(f"COMMENT ON VIEW analytics.span_mismatches IS {_quote(SPAN_COMMENT)}")
    for column, comment in SPAN_COLUMNS.items():
        op.execute(f"COMMENT ON COLUMN analytics.span_mismatches.{column} IS {_quote(comment)}")
    op.execute(TARGETS)
    op.execute(f"COMMENT ON VIEW analytics.targets_against_results IS {_quote(TARGETS_COMMENT)}")
    for column, comment in TARGETS_COLUMNS.items():
        op.execute(f"COMMENT ON COLUMN analytics.targets_against_results.{column} IS {_quote(comment)}")
    # Whatever is loaded already is derived by the next load (app/load/derived.py picks up the
    # reports missing from derived_reports): a revision must not run app code that keeps changing.


def _series_comments() -> list[str]:
    r0006 = _revision("0006_series")
    return [f"COMMENT ON VIEW analytics.series IS {_quote(r0006.COMMENT)}"] + [
        f"COMMENT ON COLUMN analytics.series.{c} IS {_quote(text)}" for c, text in r0006.COLUMNS.items()
    ]


def downgrade() -> None:
    op.execute("DROP VIEW analytics.targets_against_results")
    op.execute("DROP VIEW analytics.span_mismatches")
    body, extra = _revision("0004_trust_under_attack").VIEWS["conflicts"]
    op.execute(f"CREATE OR REPLACE VIEW analytics.conflicts AS {body.format(extra=extra)}")
    op.execute("DROP VIEW analytics.series")
    op.execute(_revision("0006_series").SERIES_SQL)
    for view_comment_sql in _series_comments():
        op.execute(view_comment_sql)
    op.execute("DROP VIEW series_computed")
    op.drop_index("ix_series_rows_report_slugs", table_name="series_rows")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_table("series_rows")
    op.drop_table("derived_reports")
    op.drop_table("series_scope")
    op.drop_table("target_results")
    op.drop_index(op.f("ix_span_mismatches_report_id"), table_name="span_mismatches")
    op.drop_table("span_mismatches")
    op.drop_index("ix_conflict_groups_report_ids", table_name="conflict_groups")
    op.drop_index("ix_conflict_groups_key", table_name="conflict_groups")
    op.drop_table("conflict_groups")
