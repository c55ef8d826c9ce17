"""Queries at 10 million figures: corpus-wide aggregates kept at load time, and a lean series refresh.

- report_facts: each report's figure and statement counts, so that analytics.reports no longer counts
  every report's facts on every read.
- program_figures: per report and program, the indicator figures and funding linked to it;
  analytics.program_totals sums them (two rows or so per report instead of every figure).
- funding_totals: funding items per program, region, status and source, with the reports they come
  from; analytics.funding_totals shows them (queries/funding_by_program_and_region.sql).
- series_candidates replaces series_scope: the loader fills it with the candidate figures of the keys it
  recomputes (lean columns, no evidence text, by index lookup) and series_computed runs 0006's rules
  over it, instead of joining the whole analytics.figures view.
- Indexes for the filtered worked queries.

The migration fills the two count tables from the facts (plain SQL); funding_totals and the rest are
derived by the next load (derived_reports is emptied, so that it recomputes every report).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 22:40:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANDIDATE_COLUMNS = (
    ("figure_kind", sa.Text()),
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
    ("reviewed", sa.Boolean()),
)

REPORTS_BODY = """
SELECT r.slug AS report_slug, r.source_file, r.title, r.publisher, r.author, r.published_on,
       r.published_as_printed, r.url, r.body_start, r.body_end, r.sha256,
       {figures} AS figure_count,
       {statements} AS statement_count,
       r.text,
       CASE WHEN r.drafted_by IS NULL THEN 'hand_mapped'::text ELSE 'machine_drafted'::text END
           AS extraction_method,
       r.reviewed
FROM reports r {join}
"""
COUNT_FIGURES = (
    "((SELECT count(*) FROM observations o WHERE o.report_id = r.id)"
    " + (SELECT count(*) FROM funding f WHERE f.report_id = r.id))"
)
COUNT_STATEMENTS = "(SELECT count(*) FROM statements s WHERE s.report_id = r.id)"
# A report the loader has not counted yet (none after this migration) is counted on read.
REPORTS_KEPT = REPORTS_BODY.format(
    figures=f"coalesce(c.figure_count, {COUNT_FIGURES})",
    statements=f"coalesce(c.statement_count, {COUNT_STATEMENTS})",
    join="LEFT JOIN report_facts c ON c.report_id = r.id",
)
REPORTS_BEFORE = REPORTS_BODY.format(figures=COUNT_FIGURES, statements=COUNT_STATEMENTS, join="")

PROGRAM_TOTALS = """
CREATE VIEW analytics.program_totals AS
SELECT p.code AS program_code,
       sum(t.indicator_figures)::bigint AS indicator_figures,
       sum(t.funding_items)::bigint AS funding_items,
       sum(t.funding_vnd) AS funding_vnd
FROM program_figures t JOIN programs p ON p.id = t.program_id
GROUP BY p.code
"""
PROGRAM_TOTALS_COMMENT = (
    "Per program (not rolled up to its parent): how many indicator figures and funding items the "
    "reports link to it, and the funding they state. Kept by the loader; see analytics.programs for the tree."
)
PROGRAM_TOTALS_COLUMNS = {
    "program_code": "The program (analytics.programs).",
    "indicator_figures": "Indicator figures (analytics.figures, figure_kind indicator) linked to the program.",
    "funding_items": "Funding items (analytics.funding) linked to the program.",
    "funding_vnd": "Sum of those funding items' amount_vnd (the low end of ranges).",
}
FUNDING_TOTALS = """
CREATE VIEW analytics.funding_totals AS
SELECT p.code AS program_code, g.code AS region_code, g.name AS region_name, g.valid_from AS region_valid_from,
       t.status, t.funding_source, t.items, t.amount_vnd_at_least, t.some_amounts_approximate
FROM funding_totals t
JOIN regions g ON g.id = t.region_id
LEFT JOIN programs p ON p.id = t.program_id
"""
FUNDING_TOTALS_COMMENT = (
    "Funding items added up per program, region, status and funding source (analytics.funding grouped), "
    "kept by the loader so that totals over the corpus do not read every item."
)
FUNDING_TOTALS_COLUMNS = {
    "program_code": "The program the items name (analytics.programs); NULL for items of no program.",
    "region_code": "GSO code of the region the items are for.",
    "region_name": "Official name of that region.",
    "region_valid_from": "First day the region is valid: NULL for units of before the 2025 reform, "
    "2025-07-01 for units created by it. Join analytics.regions on region_code and valid_from together.",
    "status": "Funding status of the items (allocated, disbursed, lent, planned, ...).",
    "funding_source": "Where the money comes from; NULL when the items do not say.",
    "items": "Number of funding items added up.",
    "amount_vnd_at_least": "Sum of their amount_vnd (the low end of ranges), in VND.",
    "some_amounts_approximate": "True when at least one item carries a qualifier (about, more_than, ...).",
}

# analytics.conflicts gains the baseline of its key: a change measured against two baselines is two
# groups, and a query joining figures to their group needs the whole key (no figure_id array search).
CONFLICT_BASELINE = {
    "baseline_period_start": "For a change: first day of the period it is measured against; NULL for a "
    "level. Part of the group's key, with indicator, region and period.",
    "baseline_period_end": "For a change: last day of the period it is measured against; NULL for a level.",
}

INDEXES = {
    # One indicator of one year (poverty_rate_by_district and the filtered worked queries).
    "ix_observations_indicator_period": ("observations", ["indicator_id", "period_start"]),
    "ix_program_figures_program_id": ("program_figures", ["program_id"]),
    # The latest reports first (queries/who_said_what.sql), one region's targets.
    "ix_reports_published_on": ("reports", ["published_on"]),
    "ix_target_results_region_code": ("target_results", ["region_code"]),
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


def _comment(view: str, comment: str, columns: dict[str, str]) -> None:
    op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(comment)}")
    for column, text in columns.items():
        op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(text)}")


# 0006's rules sliced each partition's arrays on every row ((array_agg(...) OVER p)[2:]) and kept the
# chosen row only afterwards: a copy of each key's arrays per figure, quadratic in the figures of a key
# (hours at 10 million figures). Here the window keeps the whole arrays (one per key, shared by its
# rows) and the chosen row alone is sliced. Same rows (tests/load/test_derived.py).
RIVALS = ("status", "status_rank", "published_on", "review_rank")
ALTERNATIVES = {"values": "value", "values_high": "value_high", "statuses": "status",
                "report_slugs": "report_slug", "figure_ids": "figure_id"}


def _lean_series(series: str) -> str:
    for rival in RIVALS:
        old = f"(array_agg({rival}) FILTER (WHERE differs) OVER p)[1]"
        assert old in series, old
        series = series.replace(old, f"array_agg({rival}) FILTER (WHERE differs) OVER p", 1)
        series = series.replace(f"AS rival_{rival},", f"AS all_rival_{rival},", 1)
    for name, column in ALTERNATIVES.items():
        old = f"(array_agg({column}) OVER p)[2:]"
        assert old in series, old
        series = series.replace(old, f"array_agg({column}) OVER p", 1)
        series = series.replace(f"AS alternative_{name}", f"AS all_{name}", 1)
    picked = ", ".join(
        [f"x.all_rival_{rival}[1] AS rival_{rival}" for rival in RIVALS]
        + [f"x.all_{name}[2:] AS alternative_{name}" for name in ALTERNATIVES]
    )
    old = "    FROM framed f\n    WHERE f.pick = 1"
    assert old in series
    return series.replace(old, f"    FROM (SELECT x.*, {picked} FROM framed x WHERE x.pick = 1) f", 1)


def _series_computed(source: str, lean: bool = True) -> str:
    series = _revision("0006_series").SERIES_SQL
    assert "FROM analytics.figures f" in series
    series = series.replace("CREATE VIEW analytics.series", "CREATE OR REPLACE VIEW series_computed", 1).replace(
        "FROM analytics.figures f", source, 1
    )
    return _lean_series(series) if lean else series


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("figure_count", sa.BigInteger(), nullable=False),
        sa.Column("statement_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_facts")),
    )
    op.create_table(
        "program_figures",
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("program_id", sa.BigInteger(), nullable=False),
        sa.Column("indicator_figures", sa.BigInteger(), nullable=False),
        sa.Column("funding_items", sa.BigInteger(), nullable=False),
        sa.Column("funding_vnd", sa.Numeric(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "program_id", name=op.f("pk_program_figures")),
    )
    op.create_table(
        "funding_totals",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("program_id", sa.BigInteger(), nullable=True),
        sa.Column("region_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=True),
        sa.Column("items", sa.BigInteger(), nullable=False),
        sa.Column("amount_vnd_at_least", sa.Numeric(), nullable=True),
        sa.Column("some_amounts_approximate", sa.Boolean(), nullable=False),
        sa.Column("report_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_totals")),
    )
    op.create_index(
        "ix_funding_totals_key",
        "funding_totals",
        ["region_id", "program_id", "status", "funding_source"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_index("ix_funding_totals_report_ids", "funding_totals", ["report_ids"], postgresql_using="gin")
    op.create_table(
        "series_candidates",
        *(sa.Column(name, type_, nullable=True) for name, type_ in CANDIDATE_COLUMNS),
        prefixes=["UNLOGGED"],
    )
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.execute(_series_computed("FROM series_candidates f"))
    op.drop_table("series_scope")
    op.execute(f"CREATE OR REPLACE VIEW analytics.reports AS {REPORTS_KEPT}")
    conflicts = _revision("0008_fast_queries").CONFLICTS
    op.execute(conflicts.replace("FROM conflict_groups c", ", c.baseline_period_start, c.baseline_period_end\nFROM conflict_groups c"))
    for column, text in CONFLICT_BASELINE.items():
        op.execute(f"COMMENT ON COLUMN analytics.conflicts.{column} IS {_quote(text)}")
    op.execute(PROGRAM_TOTALS)
    _comment("program_totals", PROGRAM_TOTALS_COMMENT, PROGRAM_TOTALS_COLUMNS)
    op.execute(FUNDING_TOTALS)
    _comment("funding_totals", FUNDING_TOTALS_COMMENT, FUNDING_TOTALS_COLUMNS)
    # Counted here from the facts (plain SQL); the rest is derived by the next load, for every report.
    op.execute(
        "INSERT INTO report_facts SELECT r.id, coalesce(o.n, 0) + coalesce(f.n, 0), coalesce(s.n, 0)"
        " FROM reports r"
        " LEFT JOIN (SELECT report_id, count(*) n FROM observations GROUP BY 1) o ON o.report_id = r.id"
        " LEFT JOIN (SELECT report_id, count(*) n FROM funding GROUP BY 1) f ON f.report_id = r.id"
        " LEFT JOIN (SELECT report_id, count(*) n FROM statements GROUP BY 1) s ON s.report_id = r.id"
    )
    op.execute("DELETE FROM derived_reports")


def downgrade() -> None:
    op.execute("DROP VIEW analytics.conflicts")  # a view cannot lose columns by CREATE OR REPLACE
    op.execute(_revision("0008_fast_queries").CONFLICTS)
    view_comment, columns = _revision("0003_analytics_contract").COMMENTS["conflicts"]
    columns = columns | {"region_valid_from": _revision("0004_trust_under_attack").VALID_FROM_COMMENT}
    _comment("conflicts", view_comment, columns)
    op.execute("DROP VIEW analytics.funding_totals")
    op.execute("DROP VIEW analytics.program_totals")
    op.execute(f"CREATE OR REPLACE VIEW analytics.reports AS {REPORTS_BEFORE}")
    op.create_table(
        "series_scope",
        sa.Column("indicator_code", sa.Text(), nullable=False),
        sa.Column("region_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("baseline_period_start", sa.Date(), nullable=True),
        sa.Column("baseline_period_end", sa.Date(), nullable=True),
    )
    op.execute("DROP VIEW series_computed")  # back to 0008: over series_scope and analytics.figures
    op.execute(_series_computed(_revision("0008_fast_queries").SCOPED, lean=False))
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_table("series_candidates")
    op.drop_index("ix_funding_totals_report_ids", table_name="funding_totals")
    op.drop_index("ix_funding_totals_key", table_name="funding_totals")
    op.drop_table("funding_totals")
    op.drop_table("program_figures")
    op.drop_table("report_facts")
