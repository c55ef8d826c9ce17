"""Trust under attack: region validity on every view with a region code, abandoned load runs,
and a unit for percentages that are ratios rather than shares (may exceed 100).

Region codes were reused by the 2025 reform, so a code alone does not name a unit: every view
that has `region_code` now also has `region_valid_from` (appended, so existing queries, grants
and comments keep working).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The bodies of 0003, each with region_valid_from appended: CREATE OR REPLACE VIEW may only add
# columns at the end.
FUNDING = """
SELECT r.slug || ':' || f.fact_key AS funding_id,
       r.slug        AS report_slug,
       p.code        AS program_code,
       p.name_vi     AS program_name,
       g.code        AS region_code,
       g.name        AS region_name,
       f.amount_vnd,
       f.amount_high_vnd,
       f.qualifier,
       f.status,
       f.funding_source,
       f.purpose,
       f.period_start,
       f.period_end,
       f.evidence_text,
       f.char_start,
       f.char_end{extra}
FROM funding f
JOIN reports r ON r.id = f.report_id
JOIN regions g ON g.id = f.region_id
LEFT JOIN programs p ON p.id = f.program_id"""
STATEMENTS = """
SELECT r.slug || ':' || s.fact_key AS statement_id,
       r.slug          AS report_slug,
       pe.full_name    AS person_name,
       po.title        AS position_title,
       po.organization,
       g.code          AS region_code,
       g.name          AS region_name,
       s.kind,
       s.evidence_text AS text,
       s.char_start,
       s.char_end{extra}
FROM statements s
JOIN reports r ON r.id = s.report_id
JOIN people pe ON pe.id = s.person_id
LEFT JOIN positions po ON po.person_id = s.person_id AND po.report_id = s.report_id
LEFT JOIN regions g ON g.id = s.region_id"""
OFFICIALS = """
SELECT pe.key          AS person_key,
       pe.full_name    AS person_name,
       pe.name_folded,
       r.slug          AS report_slug,
       r.published_on,
       po.title        AS position_title,
       po.organization,
       g.code          AS region_code,
       g.name          AS region_name,
       (SELECT count(*) FROM statements s WHERE s.person_id = pe.id AND s.report_id = r.id) AS statement_count{extra}
FROM positions po
JOIN people pe ON pe.id = po.person_id
JOIN reports r ON r.id = po.report_id
LEFT JOIN regions g ON g.id = po.region_id"""
CONFLICTS = """
SELECT f.indicator_code,
       f.region_code,
       f.region_name,
       f.period_start,
       f.period_end,
       array_agg(f.value ORDER BY f.report_slug, f.value)       AS values,
       array_agg(f.report_slug ORDER BY f.report_slug, f.value) AS report_slugs,
       array_agg(f.status ORDER BY f.report_slug, f.value)      AS statuses,
       array_agg(f.figure_id ORDER BY f.report_slug, f.value)   AS figure_ids,
       max(f.value) - min(f.value)                              AS spread{extra}
FROM analytics.figures f
GROUP BY f.indicator_code, f.region_code, f.region_valid_from, f.region_name, f.period_start, f.period_end,
         f.baseline_period_start, f.baseline_period_end
HAVING count(DISTINCT f.report_slug) > 1
   AND (count(DISTINCT f.value) > 1 OR count(DISTINCT f.value_high) > 1)"""

VIEWS = {
    "funding": (FUNDING, ",\n       g.valid_from  AS region_valid_from"),
    "statements": (STATEMENTS, ",\n       g.valid_from    AS region_valid_from"),
    "officials": (OFFICIALS, ",\n       g.valid_from    AS region_valid_from"),
    "conflicts": (CONFLICTS, ",\n       f.region_valid_from"),
}
VALID_FROM_COMMENT = (
    "First day the region (region_code) is valid: NULL for units of before the 2025 reform, "
    "2025-07-01 for units created by it. Codes were reused, so join analytics.regions on "
    "region_code and valid_from together."
)

OLD_UNITS = (
    "'percent', 'households', 'persons', 'workers', 'projects', 'models', 'works', 'houses', "
    "'cards', 'classes', 'communes', 'villages', 'percentage_points', 'vnd'"
)
NEW_UNITS = OLD_UNITS.replace("'percent', ", "'percent', 'percent_ratio', ", 1)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _run_statuses(statuses: str) -> None:
    op.drop_constraint(op.f("ck_load_runs_status"), "load_runs", type_="check")
    op.create_check_constraint(op.f("ck_load_runs_status"), "load_runs", f"status IN ({statuses})")


def _units(units: str) -> None:
    op.drop_constraint(op.f("ck_indicators_unit"), "indicators", type_="check")
    op.create_check_constraint(op.f("ck_indicators_unit"), "indicators", f"unit IN ({units})")


def upgrade() -> None:
    for view, (body, extra) in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW analytics.{view} AS {body.format(extra=extra)}")
        op.execute(f"COMMENT ON COLUMN analytics.{view}.region_valid_from IS {_quote(VALID_FROM_COMMENT)}")
    _run_statuses("'running', 'succeeded', 'failed', 'abandoned'")
    _units(NEW_UNITS)
    op.execute(
        "COMMENT ON COLUMN analytics.indicators.unit IS "
        + _quote(
            "percent (a share: 0 to 100), percent_ratio (a percentage that may exceed 100: "
            "attainment of a plan, growth), percentage_points, vnd, or a count unit "
            "(households, persons, ...)."
        )
    )


def downgrade() -> None:
    op.execute(
        "COMMENT ON COLUMN analytics.indicators.unit IS "
        + _quote("percent, percentage_points, vnd, or a count unit (households, persons, ...).")
    )
    _units(OLD_UNITS)
    op.execute("UPDATE load_runs SET status = 'failed' WHERE status = 'abandoned'")
    _run_statuses("'running', 'succeeded', 'failed'")
    # A view cannot lose a column with CREATE OR REPLACE: drop it, recreate 0003's, comment it again.
    comments = _revision_0003().COMMENTS
    for view, (body, _extra) in VIEWS.items():
        op.execute(f"DROP VIEW analytics.{view}")
        op.execute(f"CREATE VIEW analytics.{view} AS {body.format(extra='')}")
        view_comment, columns = comments[view]
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")


def _revision_0003():
    """Revision 0003's module, for its comments (revision files are not an importable package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("0003_analytics_contract.py")
    spec = importlib.util.spec_from_file_location("povertydb_revision_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
