"""Gazetteer in the analytics contract: regions, their successors, and name folding.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Vietnamese letters and their ASCII base letters, upper and lower case, for translate().
_ACCENTED = (
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
_PLAIN = (
    "AAAAAAAAAAAAAAAAADEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYY"
    "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
)
assert len(_ACCENTED) == len(_PLAIN)

FOLD_SQL = f"""
CREATE FUNCTION analytics.fold_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(btrim(regexp_replace(
    lower(translate(normalize(name, NFC), '{_ACCENTED}', '{_PLAIN}')), '[^\\x01-\\x7f]', '', 'g')), '\\s+', ' ', 'g')
"""

REGIONS_SQL = """
CREATE VIEW analytics.regions AS
SELECT g.code        AS region_code,
       g.name,
       g.unit_type,
       g.level,
       p.code        AS parent_code,
       CASE g.level WHEN 'province' THEN g.code
                    WHEN 'district' THEN p.code
                    ELSE coalesce(gp.code, p.code) END AS province_code,
       g.valid_from,
       g.valid_to,
       g.name_folded
FROM regions g
LEFT JOIN regions p ON p.id = g.parent_id
LEFT JOIN regions gp ON gp.id = p.parent_id
"""

SUCCESSORS_SQL = """
CREATE VIEW analytics.region_successors AS
SELECT o.code       AS predecessor_code,
       o.name       AS predecessor_name,
       o.level      AS predecessor_level,
       o.valid_to   AS predecessor_valid_to,
       n.code       AS successor_code,
       n.name       AS successor_name,
       n.level      AS successor_level,
       n.valid_from AS successor_valid_from,
       s.coverage
FROM region_successions s
JOIN regions o ON o.id = s.predecessor_id
JOIN regions n ON n.id = s.successor_id
"""

COMMENTS = {
    "regions": (
        "Every administrative unit before the 2025 reform (valid_to 2025-06-30) and after it "
        "(valid_from 2025-07-01). A code alone is not an identity: the reform reused codes, so "
        "(region_code, valid_from) is.",
        {
            "region_code": "GSO code: 2 digits for a province, 3 for a district, 5 for a commune.",
            "name": "Official name with its type word, e.g. 'Xã Trung Hoà', spelled as the GSO source spells it.",
            "unit_type": "Tỉnh, Thành phố, Quận, Huyện, Thị xã, Xã, Phường, Thị trấn or Đặc khu.",
            "level": "province, district or commune (districts exist only before the reform).",
            "parent_code": "Code of the unit it belongs to in the same era; NULL for provinces.",
            "province_code": "Code of its province in the same era.",
            "valid_from": "First day of validity; NULL for pre-reform units (valid since before our records).",
            "valid_to": "Last day of validity; NULL while still valid (post-reform units).",
            "name_folded": "Search key: the name without its type word, lowercase ASCII, with both "
            "tone-mark conventions folded ('trung hoa'). Compare with analytics.fold_name(...).",
        },
    ),
    "region_successors": (
        "Which post-reform units cover each pre-reform unit. Communes map to communes (from the "
        "official conversion table); districts and provinces map to the provinces that hold them today.",
        {
            "predecessor_code": "Code of the pre-reform unit.",
            "predecessor_name": "Name of the pre-reform unit.",
            "predecessor_level": "province, district or commune.",
            "predecessor_valid_to": "Last day of the pre-reform unit (2025-06-30).",
            "successor_code": "Code of the post-reform unit that covers it, in whole or in part.",
            "successor_name": "Name of the post-reform unit.",
            "successor_level": "province or commune.",
            "successor_valid_from": "First day of the post-reform unit (2025-07-01).",
            "coverage": "whole: all of the predecessor lies in this successor; partial: only part of it.",
        },
    ),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute(FOLD_SQL)
    op.execute(
        "COMMENT ON FUNCTION analytics.fold_name(text) IS "
        + _quote(
            "Search key of a Vietnamese name: lowercase ASCII, single spaces. "
            "analytics.fold_name('Trung Hòa') = analytics.fold_name('Trung Hoà') = 'trung hoa'."
        )
    )
    op.execute(REGIONS_SQL)
    op.execute(SUCCESSORS_SQL)
    for view, (view_comment, columns) in COMMENTS.items():
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")


def downgrade() -> None:
    op.execute("DROP VIEW analytics.region_successors")
    op.execute("DROP VIEW analytics.regions")
    op.execute("DROP FUNCTION analytics.fold_name(text)")
