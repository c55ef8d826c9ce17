"""Corpus-wide totals kept at load time (migration 0009): per-report fact counts for analytics.reports,
per-report program figures for analytics.program_totals, funding totals for analytics.funding_totals.

Each is refreshed for the changed and removed reports only, in the load transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

IDS = "CAST(:ids AS bigint[])"

REPORT_FACTS = """
INSERT INTO report_facts (report_id, figure_count, statement_count)
SELECT r.id,
       (SELECT count(*) FROM observations o WHERE o.report_id = r.id)
       + (SELECT count(*) FROM funding f WHERE f.report_id = r.id),
       (SELECT count(*) FROM statements s WHERE s.report_id = r.id)
FROM reports r WHERE {where}
"""
REPORT_FACTS_ALL = """
INSERT INTO report_facts (report_id, figure_count, statement_count)
SELECT r.id, coalesce(o.n, 0) + coalesce(f.n, 0), coalesce(s.n, 0)
FROM reports r
LEFT JOIN (SELECT report_id, count(*) AS n FROM observations GROUP BY 1) o ON o.report_id = r.id
LEFT JOIN (SELECT report_id, count(*) AS n FROM funding GROUP BY 1) f ON f.report_id = r.id
LEFT JOIN (SELECT report_id, count(*) AS n FROM statements GROUP BY 1) s ON s.report_id = r.id
"""
PROGRAM_FIGURES = """
INSERT INTO program_figures (report_id, program_id, indicator_figures, funding_items, funding_vnd)
SELECT report_id, program_id, sum(indicator_figures), sum(funding_items), sum(funding_vnd)
FROM (
    SELECT report_id, program_id, count(*) AS indicator_figures, 0 AS funding_items, 0 AS funding_vnd
    FROM observations WHERE program_id IS NOT NULL AND {where} GROUP BY 1, 2
    UNION ALL
    SELECT report_id, program_id, 0, count(*), coalesce(sum(amount_vnd), 0)
    FROM funding WHERE program_id IS NOT NULL AND {where} GROUP BY 1, 2
) x
GROUP BY 1, 2
"""
FUNDING_GROUP = "program_id, region_id, status, funding_source"
FUNDING_TOTALS = f"""
INSERT INTO funding_totals ({FUNDING_GROUP}, items, amount_vnd_at_least, some_amounts_approximate, report_ids)
SELECT f.program_id, f.region_id, f.status, f.funding_source, count(*), sum(f.amount_vnd),
       bool_or(f.qualifier IS NOT NULL), array_agg(DISTINCT f.report_id ORDER BY f.report_id)
FROM {{scope}} funding f {{on}}
GROUP BY f.program_id, f.region_id, f.status, f.funding_source
"""
SAME_GROUP = (
    "k.region_id = {t}.region_id AND k.program_id IS NOT DISTINCT FROM {t}.program_id"
    " AND k.status = {t}.status AND k.funding_source IS NOT DISTINCT FROM {t}.funding_source"
)
# Groups to recompute: those of the changed reports' items now, and those naming a changed or
# removed report.
AFFECTED_GROUPS = f"""
CREATE TEMP TABLE derived_funding_groups ON COMMIT DROP AS
SELECT {FUNDING_GROUP} FROM funding WHERE report_id = ANY({IDS})
UNION
SELECT {FUNDING_GROUP} FROM funding_totals WHERE report_ids && {IDS}
"""


def refresh_all(conn: Connection) -> None:
    """Recompute the three tables from scratch."""
    conn.execute(text("TRUNCATE report_facts, program_figures, funding_totals"))
    conn.execute(text(REPORT_FACTS_ALL))
    conn.execute(text(PROGRAM_FIGURES.format(where="true")))
    conn.execute(text(FUNDING_TOTALS.format(scope="", on="")))


def refresh_reports(conn: Connection, ids: list[int]) -> None:
    """Recompute what the reports with these ids (changed, added or removed) contribute."""
    params = {"ids": ids}
    where = f"report_id = ANY({IDS})"
    conn.execute(text(f"DELETE FROM report_facts WHERE {where}"), params)
    conn.execute(text(REPORT_FACTS.format(where=f"r.id = ANY({IDS})")), params)
    conn.execute(text(f"DELETE FROM program_figures WHERE {where}"), params)
    conn.execute(text(PROGRAM_FIGURES.format(where=where)), params)
    conn.execute(text(AFFECTED_GROUPS), params)
    conn.execute(text("ANALYZE derived_funding_groups"))
    conn.execute(
        text(f"DELETE FROM funding_totals t USING derived_funding_groups k WHERE {SAME_GROUP.format(t='t')}")
    )
    on = f"ON {SAME_GROUP.format(t='f')}"
    conn.execute(text(FUNDING_TOTALS.format(scope="derived_funding_groups k JOIN", on=on)))
    conn.execute(text("DROP TABLE derived_funding_groups"))
