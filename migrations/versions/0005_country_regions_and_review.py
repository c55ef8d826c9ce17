"""The country and its six macro-regions above the provinces; trust fields of drafted mappings.

Regions: levels country (VN) and macro_region (VN-1..VN-6), a membership table (country ->
macro-regions and provinces, macro-region -> provinces, within one era) and the view
analytics.region_members. Provinces keep a NULL parent: analytics.regions means what it meant.

Trust: reports.drafted_by and reports.reviewed, facts' confidence and review_note, exposed as
extraction_method, reviewed, confidence and review_note (appended to the views, so existing
queries, grants and comments keep working).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 20:00:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_LEVELS = "'province', 'district', 'commune'"
NEW_LEVELS = OLD_LEVELS + ", 'country', 'macro_region'"
OLD_CODE = "^[0-9]{2}([0-9]|[0-9]{3})?$"
NEW_CODE = "^([0-9]{2}([0-9]|[0-9]{3})?|VN(-[1-6])?)$"
FACT_TABLES = ("observations", "funding", "statements")

METHOD = "CASE WHEN r.drafted_by IS NULL THEN 'hand_mapped' ELSE 'machine_drafted' END"
REPORT_TRUST = f",\n       {METHOD} AS extraction_method,\n       r.reviewed"


def _fact_trust(alias: str) -> str:
    return f"{REPORT_TRUST},\n       {alias}.confidence,\n       {alias}.review_note"


REGION_MEMBERS = """
SELECT g.code       AS group_code,
       g.name       AS group_name,
       g.level      AS group_level,
       g.valid_from AS group_valid_from,
       g.valid_to   AS group_valid_to,
       m.code       AS member_code,
       m.name       AS member_name,
       m.level      AS member_level,
       m.valid_from AS member_valid_from
FROM region_memberships rm
JOIN regions g ON g.id = rm.group_id
JOIN regions m ON m.id = rm.member_id"""

TRUST_COMMENTS = {
    "extraction_method": "hand_mapped (a person wrote the mapping) or machine_drafted (povertydb "
    "drafted it: see reviewed).",
    "reviewed": "true when a person checked the mapping: hand-written mappings, and drafted ones "
    "marked `reviewed: true`. Filter on it to use reviewed rows only.",
    "confidence": "How sure the drafter was of this row: high, medium or low; NULL when hand-mapped.",
    "review_note": "Why the drafter guessed (indicator, region, period...), for the reviewer; else NULL.",
}
MEMBERS_COMMENTS = (
    "Units above the provinces and what they hold, per era: the country (VN) holds the six "
    "socio-economic regions (VN-1..VN-6) and every province; each region holds its provinces. "
    "Join a figure on group_code = region_code AND group_valid_from IS NOT DISTINCT FROM "
    "region_valid_from to get the provinces of its era.",
    {
        "group_code": "VN (the country) or VN-1..VN-6 (the socio-economic regions, GSO order).",
        "group_name": "Name of the country or region, e.g. 'Tây Nguyên'.",
        "group_level": "country or macro_region.",
        "group_valid_from": "First day of the group's version: NULL before the 2025 reform, then 2025-07-01.",
        "group_valid_to": "Last day of the group's version: 2025-06-30 before the reform, NULL after.",
        "member_code": "GSO code of the member: a province, or a region when the group is the country.",
        "member_name": "Official name of the member.",
        "member_level": "province or macro_region.",
        "member_valid_from": "First day of the member's validity; the same era as the group.",
    },
)
NEW_REGION_COMMENTS = {
    ("regions", "region_code"): "GSO code: 2 digits for a province, 3 for a district, 5 for a commune; "
    "VN for the country and VN-1..VN-6 for the six socio-economic regions.",
    ("regions", "unit_type"): "Tỉnh, Thành phố, Quận, Huyện, Thị xã, Xã, Phường, Thị trấn or Đặc khu; "
    "Quốc gia (the country) or Vùng (a socio-economic region).",
    ("regions", "level"): "province, district or commune (districts exist only before the reform); "
    "country or macro_region above the provinces (members in analytics.region_members).",
    ("regions", "parent_code"): "Code of the unit it belongs to in the same era; NULL for provinces "
    "and the units above them (see analytics.region_members).",
    ("regions", "province_code"): "Code of its province in the same era; NULL for the country and regions.",
    ("figures", "region_code"): "Official GSO code of the region the figure is about (2 digits province, "
    "3 district, 5 commune; VN the country, VN-1..VN-6 a socio-economic region).",
    ("figures", "region_level"): "province, district or commune; country or macro_region.",
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


def _insert(body: str, anchor: str, extra: str) -> str:
    assert body.count(anchor) == 1, anchor
    return body.replace(anchor, anchor + extra)


def _figures(extra_obs: str, extra_fund: str) -> str:
    body = _revision("0001_initial_schema").FIGURES_SQL.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")
    body = _insert(body, "       o.char_end", extra_obs)
    return _insert(body, "       f.char_end", extra_fund)


def _reports(extra: str) -> str:
    body = _revision("0001_initial_schema").REPORTS_SQL.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")
    return _insert(body, "       r.text", extra)


def _comment(view: str, column: str, comment: str) -> None:
    op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")


def upgrade() -> None:
    op.drop_constraint(op.f("ck_regions_level"), "regions", type_="check")
    op.create_check_constraint(op.f("ck_regions_level"), "regions", f"level IN ({NEW_LEVELS})")
    op.drop_constraint(op.f("ck_regions_code_format"), "regions", type_="check")
    op.create_check_constraint(op.f("ck_regions_code_format"), "regions", f"code ~ '{NEW_CODE}'")
    op.create_table(
        "region_memberships",
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("load_run_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["regions.id"], name=op.f("fk_region_memberships_group_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["regions.id"], name=op.f("fk_region_memberships_member_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["load_run_id"], ["load_runs.id"], name=op.f("fk_region_memberships_load_run_id_load_runs")
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_region_memberships")),
    )
    op.create_index(op.f("ix_region_memberships_member_id"), "region_memberships", ["member_id"])
    op.create_index(op.f("ix_region_memberships_load_run_id"), "region_memberships", ["load_run_id"])
    op.add_column("reports", sa.Column("drafted_by", sa.Text(), nullable=True))
    op.add_column("reports", sa.Column("reviewed", sa.Boolean(), server_default=sa.true(), nullable=False))
    for table in FACT_TABLES:
        op.add_column(table, sa.Column("confidence", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("review_note", sa.Text(), nullable=True))
        op.create_check_constraint(
            op.f(f"ck_{table}_confidence"), table, "confidence IN ('high', 'medium', 'low')"
        )

    r0004 = _revision("0004_trust_under_attack")
    op.execute(_figures(_fact_trust("o"), _fact_trust("f")))
    op.execute(_reports(REPORT_TRUST))
    for view, alias in (("funding", "f"), ("statements", "s")):
        body, extra = r0004.VIEWS[view]
        op.execute(
            f"CREATE OR REPLACE VIEW analytics.{view} AS {body.format(extra=extra + _fact_trust(alias))}"
        )
    op.execute(f"CREATE VIEW analytics.region_members AS {REGION_MEMBERS}")
    for view in ("figures", "funding", "statements", "reports"):
        for column, comment in TRUST_COMMENTS.items():
            if view != "reports" or column in ("extraction_method", "reviewed"):
                _comment(view, column, comment)
    op.execute(f"COMMENT ON VIEW analytics.region_members IS {_quote(MEMBERS_COMMENTS[0])}")
    for column, comment in MEMBERS_COMMENTS[1].items():
        _comment("region_members", column, comment)
    for (view, column), comment in NEW_REGION_COMMENTS.items():
        _comment(view, column, comment)


def downgrade() -> None:
    r0001, r0003, r0004 = (
        _revision("0001_initial_schema"),
        _revision("0003_analytics_contract"),
        _revision("0004_trust_under_attack"),
    )
    op.execute("DROP VIEW analytics.region_members")
    # A view cannot lose columns with CREATE OR REPLACE: drop, recreate the 0004 form, comment again.
    op.execute("DROP VIEW analytics.conflicts")
    for view in ("figures", "reports", "funding", "statements"):
        op.execute(f"DROP VIEW analytics.{view}")
    op.execute(r0001.FIGURES_SQL)
    op.execute(r0001.REPORTS_SQL)
    for view in ("figures", "reports"):
        view_comment, columns = r0001.COMMENTS[view]
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            _comment(view, column, comment)
    for view in ("funding", "statements", "conflicts"):
        body, extra = r0004.VIEWS[view]
        op.execute(f"CREATE VIEW analytics.{view} AS {body.format(extra=extra)}")
        view_comment, columns = r0003.COMMENTS[view]
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            _comment(view, column, comment)
        _comment(view, "region_valid_from", r0004.VALID_FROM_COMMENT)
    for column, comment in _revision("0002_gazetteer_views").COMMENTS["regions"][1].items():
        _comment("regions", column, comment)

    for table in FACT_TABLES:
        op.drop_constraint(op.f(f"ck_{table}_confidence"), table, type_="check")
        op.drop_column(table, "review_note")
        op.drop_column(table, "confidence")
    op.drop_column("reports", "reviewed")
    op.drop_column("reports", "drafted_by")
    op.drop_index(op.f("ix_region_memberships_load_run_id"), table_name="region_memberships")
    op.drop_index(op.f("ix_region_memberships_member_id"), table_name="region_memberships")
    op.drop_table("region_memberships")
    # Units above the provinces cannot exist in 0004's schema: facts about them go with them.
    # Their reports lose rows, so their load checksums go too: the next load reloads them whole.
    above = "(SELECT id FROM regions WHERE level IN ('country', 'macro_region'))"
    touched = " UNION ".join(
        f"SELECT report_id FROM {t} WHERE region_id IN {above}"
        for t in ("observations", "funding", "statements", "positions")
    )
    op.execute(f"UPDATE reports SET load_checksum = NULL WHERE id IN ({touched})")
    for table in ("observations", "funding"):
        op.execute(f"DELETE FROM {table} WHERE region_id IN {above}")
    for table in ("statements", "positions"):
        op.execute(f"UPDATE {table} SET region_id = NULL WHERE region_id IN {above}")
    op.execute(f"DELETE FROM regions WHERE id IN {above}")
    op.drop_constraint(op.f("ck_regions_code_format"), "regions", type_="check")
    op.create_check_constraint(op.f("ck_regions_code_format"), "regions", f"code ~ '{OLD_CODE}'")
    op.drop_constraint(op.f("ck_regions_level"), "regions", type_="check")
    op.create_check_constraint(op.f("ck_regions_level"), "regions", f"level IN ({OLD_LEVELS})")
