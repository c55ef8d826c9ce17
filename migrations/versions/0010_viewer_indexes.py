"""The viewer at 10 million figures: keyset pages served by indexes, never OFFSET or a full sort.

- Indexes on (period_start, id) of observations and funding, alone and behind the figures page's
  filters (indicator, status), so that a page of 50 newest figures is read in index order and
  stops after 51 rows. Funding's is on the indicator_code analytics.figures shows ('funding_' ||
  status), which also stands for its status (planned: target; else actual).
- reports (published_on, slug) for the reports page, newest first.
- analytics.figures gains row_id (the row's id in observations or funding: with figure_kind, the
  tie-break of the page order) and indicator_id; analytics.indicators gains indicator_id. A filter
  on indicator_id reaches the observations index directly: one on indicator_code goes through the
  join to indicators, after which PostgreSQL can no longer use the index order and sorts every
  figure of the indicator. Appended, so existing queries, grants and comments keep working.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-21 23:00:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_observations_period_id": ("observations", ["period_start", "id"]),
    "ix_observations_indicator_period_id": ("observations", ["indicator_id", "period_start", "id"]),
    "ix_observations_status_period_id": ("observations", ["status", "period_start", "id"]),
    "ix_funding_period_id": ("funding", ["period_start", "id"]),
    "ix_funding_indicator_period_id": ("funding", ["('funding_'::text || status)", "period_start", "id"]),
    "ix_reports_published_on_slug": ("reports", ["published_on", "slug"]),
}
FIGURES_COMMENTS = {
    "row_id": "Id of the figure's row in its table (observations for figure_kind indicator, funding for "
    "funding). With figure_kind and period_start it orders figures stably, for paging; a reload that "
    "changes a report may renumber its rows, so cite figure_id, not row_id.",
    "indicator_id": "analytics.indicators.indicator_id of an indicator figure; NULL for funding. Filter "
    "on it rather than on indicator_code to page through one indicator's figures by index.",
}
INDICATORS_COMMENT = "Internal id of the indicator, as analytics.figures.indicator_id."


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _revision(stem: str):
    """A previous revision's module, for its view bodies and comments."""
    path = Path(__file__).with_name(f"{stem}.py")
    spec = importlib.util.spec_from_file_location(f"povertydb_revision_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figures(new: bool) -> str:
    r0005 = _revision("0005_country_regions_and_review")
    obs, fund = r0005._fact_trust("o"), r0005._fact_trust("f")
    if new:
        obs += ",\n       o.id AS row_id,\n       o.indicator_id"
        fund += ",\n       f.id,\n       NULL::bigint"
    return r0005._figures(obs, fund)


def _indicators(new: bool) -> str:
    body = _revision("0003_analytics_contract").VIEWS["indicators"]
    if new:
        body = body.replace("i.description\n", "i.description, i.id AS indicator_id\n", 1)
        assert "indicator_id\n" in body
    return f"CREATE OR REPLACE VIEW analytics.indicators AS {body}"


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, [sa.text(c) if c.startswith("(") else c for c in columns])
    op.execute(_figures(True))
    op.execute(_indicators(True))
    for column, comment in FIGURES_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN analytics.figures.{column} IS {_quote(comment)}")
    op.execute(f"COMMENT ON COLUMN analytics.indicators.indicator_id IS {_quote(INDICATORS_COMMENT)}")


def _comments(view: str) -> list[str]:
    """COMMENT statements that give a recreated view the comments it has now (from every revision)."""
    rows = op.get_bind().exec_driver_sql(
        "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a"
        f" WHERE a.attrelid = 'analytics.{view}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
        f" UNION ALL SELECT NULL, obj_description('analytics.{view}'::regclass, 'pg_class')"
    ).all()
    return [
        f"COMMENT ON COLUMN analytics.{view}.{name} IS {_quote(text)}"
        if name
        else f"COMMENT ON VIEW analytics.{view} IS {_quote(text)}"
        for name, text in rows
        if text and name not in ("row_id", "indicator_id")
    ]


def downgrade() -> None:
    # A view cannot lose columns with CREATE OR REPLACE: drop and recreate (with series_computed,
    # which reads analytics.figures), then give back the comments they had.
    computed = op.get_bind().exec_driver_sql("SELECT pg_get_viewdef('series_computed'::regclass)").scalar()
    comments = _comments("figures") + _comments("indicators")
    op.execute("DROP VIEW series_computed")
    op.execute("DROP VIEW analytics.figures")
    op.execute("DROP VIEW analytics.indicators")
    op.execute(_figures(False).replace("CREATE OR REPLACE VIEW", "CREATE VIEW"))
    op.execute(_indicators(False).replace("CREATE OR REPLACE VIEW", "CREATE VIEW"))
    op.execute(f"CREATE VIEW series_computed AS {computed}")
    for statement in comments:
        op.execute(statement)
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
