"""The full analytics contract: funding, statements, officials, programs, indicators, conflicts.

Also a load checksum on reports, so that unchanged reports are skipped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = {
    "funding": """
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
       f.char_end
FROM funding f
JOIN reports r ON r.id = f.report_id
JOIN regions g ON g.id = f.region_id
LEFT JOIN programs p ON p.id = f.program_id""",
    "statements": """
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
       s.char_end
FROM statements s
JOIN reports r ON r.id = s.report_id
JOIN people pe ON pe.id = s.person_id
LEFT JOIN positions po ON po.person_id = s.person_id AND po.report_id = s.report_id
LEFT JOIN regions g ON g.id = s.region_id""",
    "officials": """
SELECT pe.key          AS person_key,
       pe.full_name    AS person_name,
       pe.name_folded,
       r.slug          AS report_slug,
       r.published_on,
       po.title        AS position_title,
       po.organization,
       g.code          AS region_code,
       g.name          AS region_name,
       (SELECT count(*) FROM statements s WHERE s.person_id = pe.id AND s.report_id = r.id) AS statement_count
FROM positions po
JOIN people pe ON pe.id = po.person_id
JOIN reports r ON r.id = po.report_id
LEFT JOIN regions g ON g.id = po.region_id""",
    "programs": """
SELECT p.code         AS program_code,
       p.name_vi,
       p.name_en,
       p.kind,
       pp.code        AS parent_code,
       p.period_start,
       p.period_end
FROM programs p
LEFT JOIN programs pp ON pp.id = p.parent_id""",
    "indicators": """
SELECT i.code AS indicator_code, i.name_vi, i.name_en, i.unit, i.measure, i.description
FROM indicators i""",
    "conflicts": """
SELECT f.indicator_code,
       f.region_code,
       f.region_name,
       f.period_start,
       f.period_end,
       array_agg(f.value ORDER BY f.report_slug, f.value)       AS values,
       array_agg(f.report_slug ORDER BY f.report_slug, f.value) AS report_slugs,
       array_agg(f.status ORDER BY f.report_slug, f.value)      AS statuses,
       array_agg(f.figure_id ORDER BY f.report_slug, f.value)   AS figure_ids,
       max(f.value) - min(f.value)                              AS spread
FROM analytics.figures f
GROUP BY f.indicator_code, f.region_code, f.region_valid_from, f.region_name, f.period_start, f.period_end,
         f.baseline_period_start, f.baseline_period_end
HAVING count(DISTINCT f.report_slug) > 1
   AND (count(DISTINCT f.value) > 1 OR count(DISTINCT f.value_high) > 1)""",
}

COMMENTS = {
    "funding": (
        "One row per money figure of a source article: allocated, disbursed, mobilised, lent or planned.",
        {
            "funding_id": "Stable identifier: report_slug, a colon, and the item's key in its mapping file.",
            "report_slug": "The source article (analytics.reports).",
            "program_code": "Program the money belongs to (analytics.programs), if the article says.",
            "program_name": "Vietnamese name of the program.",
            "region_code": "GSO code of the region the money is for.",
            "region_name": "Official name of that region.",
            "amount_vnd": "Amount in Vietnamese dong ('272 tỷ đồng' is 272000000000); the low end of a range.",
            "amount_high_vnd": "High end of a range of amounts; NULL otherwise.",
            "qualifier": "more_than, nearly, about, at_least, at_most or less_than; NULL when exact.",
            "status": "allocated, disbursed, mobilised, lent or planned.",
            "funding_source": "central_budget, local_budget, state_budget, national_target_program, "
            "social_mobilisation, policy_bank_credit, commercial_banks or unspecified.",
            "purpose": "What the money pays for, in the article's words.",
            "period_start": "First day of the period of the money.",
            "period_end": "Last day of the period of the money.",
            "evidence_text": "The exact words of the article the amount comes from.",
            "char_start": "0-based code-point offset of evidence_text in analytics.reports.text.",
            "char_end": "0-based code-point offset just past evidence_text in analytics.reports.text.",
        },
    ),
    "statements": (
        "One row per statement of an official in a source article: a direct quote or a paraphrase.",
        {
            "statement_id": "Stable identifier: report_slug, a colon, and the statement's key.",
            "report_slug": "The source article (analytics.reports).",
            "person_name": "Full name as printed.",
            "position_title": "The person's title as the article gives it.",
            "organization": "The organization of that title, abbreviations expanded.",
            "region_code": "GSO code of the region the statement is about.",
            "region_name": "Official name of that region.",
            "kind": "direct_quote (the person's own words; interview answers) or paraphrase (reported speech).",
            "text": "The exact words of the article.",
            "char_start": "0-based code-point offset of text in analytics.reports.text.",
            "char_end": "0-based code-point offset just past text in analytics.reports.text.",
        },
    ),
    "officials": (
        "One row per official and report: who they were, as that report describes them.",
        {
            "person_key": "Stable identifier of the person.",
            "person_name": "Full name as printed.",
            "name_folded": "Search key of the name (see analytics.fold_name).",
            "report_slug": "The report describing the person.",
            "published_on": "Publication date of that report; NULL when it prints none.",
            "position_title": "Title as the report gives it.",
            "organization": "Organization of that title, abbreviations expanded.",
            "region_code": "GSO code of the region of the position.",
            "region_name": "Official name of that region.",
            "statement_count": "Statements of the person in that report.",
        },
    ),
    "programs": (
        "Programs that figures and funding belong to: the national target program, its projects "
        "and sub-projects, funds, policy credit and movements.",
        {
            "program_code": "Stable code of the program.",
            "name_vi": "Official Vietnamese name.",
            "name_en": "English name.",
            "kind": "national_target_program, project, sub_project, fund, credit or movement.",
            "parent_code": "The program this one is part of; NULL at the top.",
            "period_start": "First day of the program period, when it has one.",
            "period_end": "Last day of the program period, when it has one.",
        },
    ),
    "indicators": (
        "What observations measure.",
        {
            "indicator_code": "Stable code, used in analytics.figures.",
            "name_vi": "Vietnamese name.",
            "name_en": "English name.",
            "unit": "percent, percentage_points, vnd, or a count unit (households, persons, ...).",
            "measure": "level (a stock or flow as stated) or change (signed difference from a baseline period).",
            "description": "Notes on how figures are read into it.",
        },
    ),
    "conflicts": (
        "Indicator, region and period for which two or more reports give different values, side by side.",
        {
            "indicator_code": "The indicator (analytics.indicators), or funding_ and the status (e.g. funding_planned).",
            "region_code": "GSO code of the region.",
            "region_name": "Official name of the region.",
            "period_start": "First day of the period the reports disagree on.",
            "period_end": "Last day of that period.",
            "values": "The values, one per figure, in the order of report_slugs.",
            "report_slugs": "The reports, in the order of values.",
            "statuses": "Status of each value (actual, preliminary, expected, target).",
            "figure_ids": "analytics.figures.figure_id of each value, for the evidence.",
            "spread": "Largest value minus smallest.",
        },
    ),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    op.add_column("reports", sa.Column("load_checksum", sa.Text(), nullable=True))
    for view, body in VIEWS.items():
        op.execute(f"CREATE VIEW analytics.{view} AS {body}")
    for view, (view_comment, columns) in COMMENTS.items():
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")


def downgrade() -> None:
    for view in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW analytics.{view}")
    op.drop_column("reports", "load_checksum")
