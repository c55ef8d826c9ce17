"""The viewer at 10 million figures: keyset pages served by indexes, never OFFSET or a full sort.

- analytics.figure_keys: each figure's kind, row id, period, indicator, region and status, one
  table per branch and no join, so that PostgreSQL reads a page of it in index order and stops
  after 51 rows. analytics.figures cannot: its branches join reports, regions and indicators, and
  PostgreSQL plans such a UNION ALL branch on its own, without the page's order, so every
  matching figure is fetched and sorted. The viewer pages on figure_keys, then reads the page's
  50 figures from analytics.figures by row_id.
- Appended columns (existing queries, grants and comments keep working): analytics.figures.row_id,
  analytics.indicators.indicator_id and analytics.regions.region_id, the ids figure_keys uses.
- Indexes on (period_start, id) of observations and funding, alone and behind the filters
  (indicator, status, region). An indicator's or a region's figures are read one status at a
  time, so that a filter on status too stays an index range. Funding's are on 'funding_' ||
  status, its indicator_code, which also gives its status. reports (published_on, slug) for the
  reports page, newest first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 23:00:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_observations_period_id": ("observations", ["period_start", "id"]),
    "ix_observations_indicator_status_period_id": (
        "observations",
        ["indicator_id", "status", "period_start", "id"],
    ),
    "ix_observations_status_period_id": ("observations", ["status", "period_start", "id"]),
    "ix_observations_region_status_period_id": (
        "observations",
        ["region_id", "status", "period_start", "id"],
    ),
    "ix_funding_period_id": ("funding", ["period_start", "id"]),
    "ix_funding_region_period_id": ("funding", ["region_id", "period_start", "id"]),
    "ix_funding_indicator_period_id": ("funding", ["('funding_'::text || status)", "period_start", "id"]),
    "ix_reports_published_on_slug": ("reports", ["published_on", "slug"]),
}
FIGURE_KEYS = """
CREATE VIEW analytics.figure_keys AS
SELECT 'indicator'::text AS figure_kind,
       o.id              AS row_id,
       o.period_start,
       o.period_end,
       o.indicator_id,
       NULL::text        AS funding_code,
       o.region_id,
       o.status
FROM observations o
UNION ALL
SELECT 'funding',
       f.id,
       f.period_start,
       f.period_end,
       0::bigint,  -- not NULL: pandas reads a nullable integer column of a Parquet export as float
       'funding_' || f.status,
       f.region_id,
       CASE WHEN f.status = 'planned' THEN 'target' ELSE 'actual' END
FROM funding f
"""
FIGURE_KEYS_COMMENTS = (
    "One row per figure of analytics.figures with only its ids and the columns a filter needs, no "
    "join: a page of figures in (period_start, figure_kind, row_id) order is read from the indexes. "
    "Join back on figure_kind and row_id.",
    {
        "figure_kind": "indicator or funding, as analytics.figures.figure_kind.",
        "row_id": "analytics.figures.row_id of the figure (its row in observations or in funding).",
        "period_start": "First day of the period, as analytics.figures.period_start.",
        "period_end": "Last day of the period, as analytics.figures.period_end.",
        "indicator_id": "analytics.indicators.indicator_id of an indicator figure; 0 for funding (see "
        "funding_code).",
        "funding_code": "analytics.figures.indicator_code of a funding item (funding_ and its status); "
        "NULL for an indicator figure.",
        "region_id": "analytics.regions.region_id of the figure's region.",
        "status": "actual, preliminary, expected or target, as analytics.figures.status.",
    },
)
APPENDED_COMMENTS = {
    ("figures", "row_id"): "Id of the figure's row in its table (observations for figure_kind indicator, "
    "funding for funding), as in analytics.figure_keys. A reload that changes a report may renumber its "
    "rows: cite figure_id, not row_id.",
    ("indicators", "indicator_id"): "Internal id of the indicator, as analytics.figure_keys.indicator_id.",
    ("regions", "region_id"): "Internal id of the unit (one per code and era), as "
    "analytics.figure_keys.region_id.",
}


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
        obs, fund = obs + ",\n       o.id AS row_id", fund + ",\n       f.id"
    return r0005._figures(obs, fund)


def _appended(body: str, anchor: str, extra: str, new: bool) -> str:
    if new:
        assert body.count(anchor) == 1, anchor
        body = body.replace(anchor, anchor + extra)
    return body


def _indicators(new: bool) -> str:
    body = _revision("0003_analytics_contract").VIEWS["indicators"]
    body = _appended(body, "i.description", ", i.id AS indicator_id", new)
    return f"CREATE OR REPLACE VIEW analytics.indicators AS {body}"


def _regions(new: bool) -> str:
    body = _revision("0002_gazetteer_views").REGIONS_SQL.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")
    return _appended(body, "       g.name_folded", ",\n       g.id AS region_id", new)


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, [sa.text(c) if c.startswith("(") else c for c in columns])
    op.execute(_figures(True))
    op.execute(_indicators(True))
    op.execute(_regions(True))
    op.execute(FIGURE_KEYS)
    op.execute(f"COMMENT ON VIEW analytics.figure_keys IS {_quote(FIGURE_KEYS_COMMENTS[0])}")
    for column, comment in FIGURE_KEYS_COMMENTS[1].items():
        op.execute(f"COMMENT ON COLUMN analytics.figure_keys.{column} IS {_quote(comment)}")
    for (view, column), comment in APPENDED_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")


def _comments(view: str) -> list[str]:
    """COMMENT statements that give a recreated view the comments it has now (from every revision)."""
    rows = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a"
            f" WHERE a.attrelid = 'analytics.{view}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
            f" UNION ALL SELECT NULL, obj_description('analytics.{view}'::regclass, 'pg_class')"
        )
        .all()
    )
    return [
        f"COMMENT ON COLUMN analytics.{view}.{name} IS {_quote(text)}"
        if name
        else f"COMMENT ON VIEW analytics.{view} IS {_quote(text)}"
        for name, text in rows
        if text and (view, name) not in APPENDED_COMMENTS
    ]


def downgrade() -> None:
    # A view cannot lose columns with CREATE OR REPLACE: drop and recreate (with series_computed,
    # which reads analytics.figures), then give back the comments they had.
    bind = op.get_bind()
    computed = bind.exec_driver_sql("SELECT pg_get_viewdef('series_computed'::regclass)").scalar()
    comments = [c for view in ("figures", "indicators", "regions") for c in _comments(view)]
    op.execute("DROP VIEW analytics.figure_keys")
    op.execute("DROP VIEW series_computed")
    for view in ("figures", "indicators", "regions"):
        op.execute(f"DROP VIEW analytics.{view}")
    for body in (_figures(False), _indicators(False), _regions(False)):
        op.execute(body.replace("CREATE OR REPLACE VIEW", "CREATE VIEW"))
    op.execute(f"CREATE VIEW series_computed AS {computed}")
    for statement in comments:
        op.execute(statement)
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
