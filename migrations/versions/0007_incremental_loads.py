"""report_files: what each loaded report was read from (sizes, mtimes, content hashes), so that a
load re-reads only the articles whose files changed.
The facts' anti-joins use the (report_id, ...) unique indexes of 0001; the skip decision uses the
slug index here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Written by the loader in its transaction, one row per loaded mapping file. `context` is the
    # code version and reference digest it was loaded under: a new context re-reads everything.
    op.execute(
        """
        CREATE TABLE report_files (
            mapping_file text PRIMARY KEY,
            slug text NOT NULL,
            text_file text NOT NULL,
            mapping_size bigint NOT NULL,
            mapping_mtime_ns bigint NOT NULL,
            mapping_sha256 text NOT NULL,
            text_size bigint NOT NULL,
            text_mtime_ns bigint NOT NULL,
            text_sha256 text NOT NULL,
            context text NOT NULL,
            people jsonb NOT NULL DEFAULT '[]',
            fact_counts jsonb NOT NULL DEFAULT '{}'
        )
        """
    )
    op.execute("CREATE INDEX ix_report_files_slug ON report_files (slug)")


def downgrade() -> None:
    op.execute("DROP TABLE report_files")
