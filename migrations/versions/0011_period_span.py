"""The longest period and the latest end of any figure, from indexes: bounds for the viewer's year filter.

A page of figures overlapping a year walks period_start downward from the year's end; without a
bound on how long a period may be, a year that no figure reaches (a year after the data) walks
every older figure. max(period_end - period_start) read from these indexes (through
analytics.figure_keys) gives the bound: period_start >= year start - longest period; and
max(period_end) says at once that no figure reaches a year after the data.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 00:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_observations_period_span": ("observations", "(period_end - period_start)"),
    "ix_funding_period_span": ("funding", "(period_end - period_start)"),
    "ix_observations_period_end": ("observations", "period_end"),
    "ix_funding_period_end": ("funding", "period_end"),
}


def upgrade() -> None:
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [sa.text(column) if column.startswith("(") else column])


def downgrade() -> None:
    for name, (table, _column) in INDEXES.items():
        op.drop_index(name, table_name=table)
