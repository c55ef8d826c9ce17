"""A digest of each derived report's figures, so that a reload that leaves them as they were skips the
kept tables' keys.

derived_reports.figures_digest: md5 of every column of the report's figures (and of the report, the
regions and indicators they name) that conflict_groups, series_rows and target_results read. A load
that rewrites a report (its mapping or text changed) but not those columns recomputes only the
per-report tables (counts, program figures, funding totals, span check). NULL: not known yet, the
keys are recomputed (as before this revision); the next load fills it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 01:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("derived_reports", sa.Column("figures_digest", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("derived_reports", "figures_digest")
