"""The longest period of any figure, from an index: the viewer's year filter needs a lower bound.

A page of figures overlapping a year walks period_start downward from the year's end; without a
bound on how long a period may be, a year that no figure reaches (a year after the data) walks
every older figure. max(period_end - period_start) read from these indexes (through
analytics.figure_keys) gives the bound: period_start >= year start - longest period.

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

INDEXES = {"ix_observations_period_span": "observations", "ix_funding_period_span": "funding"}


def upgrade() -> None:
    for name, table in INDEXES.items():
        op.create_index(name, table, [sa.text("(period_end - period_start)")])


def downgrade() -> None:
    for name, table in INDEXES.items():
        op.drop_index(name, table_name=table)
