"""The report columns of every fact view, read from an index: small answers at 10 million figures.

analytics.figures, funding and statements join each fact to its report for five columns (slug,
published_on, drafted_by, reviewed, and the id). At 10 million figures a filtered answer of a few
thousand figures spent half its time in those lookups: each read pk_reports and then a heap page of
reports (whose rows are wide: titles, URLs, hashes), one random page per figure. This index holds
the five columns, so that the join is an index-only scan (reports change only at load, so their
pages stay all-visible after the next vacuum). One region and one indicator (6,914 figures): 167 ms
before, 78 ms after, on a shared machine. Nothing else changes: no view, no column.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_reports_id_fact_columns",
        "reports",
        ["id"],
        postgresql_include=["slug", "published_on", "drafted_by", "reviewed"],
    )


def downgrade() -> None:
    op.drop_index("ix_reports_id_fact_columns", table_name="reports")
