"""The SQL that fills the kept tables of the analytics views (migrations 0008 and 0009)."""

from __future__ import annotations

from app.load.derived.figures import FIGURES, KEY

# The aggregation of analytics.conflicts before 0008 (migration 0004), over `source`.
GROUPS = f"""
INSERT INTO conflict_groups ({KEY}, "values", report_slugs, statuses, figure_ids, spread, report_ids)
SELECT {KEY},
       array_agg(value ORDER BY report_slug, value),
       array_agg(report_slug ORDER BY report_slug, value),
       array_agg(status ORDER BY report_slug, value),
       array_agg(figure_id ORDER BY report_slug, value),
       max(value) - min(value),
       array_agg(DISTINCT report_id)
FROM ({{source}}) f
GROUP BY {KEY}
HAVING count(DISTINCT report_slug) > 1
   AND (count(DISTINCT value) > 1 OR count(DISTINCT value_high) > 1)
"""

# Keys to recompute: those of the changed reports' figures now, and those of kept rows that name a
# changed or removed report (:ids and :slugs hold both), plus the keys of the figure lines a rewrite
# changed (derived_changed) for the reports whose lines were taken before it.
AFFECTED = f"""
CREATE TEMP TABLE derived_keys ON COMMIT DROP AS
SELECT DISTINCT {KEY} FROM (
    SELECT {KEY} FROM ({FIGURES}) f WHERE f.report_id = ANY(CAST(:ids AS bigint[]))
    UNION ALL
    SELECT {KEY} FROM conflict_groups c
    WHERE c.report_ids && CAST(:ids AS bigint[])
    UNION ALL
    SELECT s.indicator_code, g.id, s.period_start, s.period_end,
           s.baseline_period_start, s.baseline_period_end
    FROM series_rows s
    JOIN regions g ON g.code = s.region_code AND g.valid_from IS NOT DISTINCT FROM s.region_valid_from
    WHERE s.report_slug = ANY(CAST(:slugs AS text[])) OR s.alternative_report_slugs && CAST(:slugs AS text[])
    UNION ALL
    SELECT {KEY} FROM derived_changed
) k
"""
SAME_KEY = (
    "k.indicator_code = {t}.indicator_code AND k.region_id = {t}.region_id"
    " AND k.period_start = {t}.period_start AND k.period_end = {t}.period_end"
    " AND k.baseline_period_start IS NOT DISTINCT FROM {t}.baseline_period_start"
    " AND k.baseline_period_end IS NOT DISTINCT FROM {t}.baseline_period_end"
)
SERIES_OF_KEYS = (
    "DELETE FROM series_rows s USING derived_keys k, regions g"
    " WHERE g.id = k.region_id AND s.region_code = g.code"
    " AND s.region_valid_from IS NOT DISTINCT FROM g.valid_from"
    " AND s.indicator_code = k.indicator_code AND s.period_start = k.period_start"
    " AND s.period_end = k.period_end"
    " AND s.baseline_period_start IS NOT DISTINCT FROM k.baseline_period_start"
    " AND s.baseline_period_end IS NOT DISTINCT FROM k.baseline_period_end"
)

# The span check of queries/evidence_check.sql before 0008, over the reports in `where`. Each
# report's text is detoasted once (the subquery's `text || ''`), not once per fact.
MISMATCHES = """
INSERT INTO span_mismatches (kind, fact_id, report_id)
SELECT m.kind, r.slug || ':' || m.fact_key, r.id
FROM (SELECT r.id, r.slug, r.text || '' AS text FROM reports r WHERE {where} OFFSET 0) r
CROSS JOIN LATERAL (
    SELECT 'figure' AS kind, o.fact_key FROM observations o
    WHERE o.report_id = r.id
      AND substr(r.text, o.char_start + 1, o.char_end - o.char_start) <> o.evidence_text
    UNION ALL
    SELECT 'figure', f.fact_key FROM funding f
    WHERE f.report_id = r.id
      AND substr(r.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence_text
    UNION ALL
    SELECT 'statement', s.fact_key FROM statements s
    WHERE s.report_id = r.id
      AND substr(r.text, s.char_start + 1, s.char_end - s.char_start) <> s.evidence_text
) m
"""

# queries/targets_against_results.sql before 0008 (ties now broken by figure_id), set-based: one
# LATERAL search per target took minutes at a million figures. Targets and results of one indicator
# and region code are put in time order (a target at the instant its period starts, before any
# result ending then; a result at its period end, preliminary before actual, larger figure_id
# first), so that a target's result is the last result before it: the n-th, n counted by the window.
# The n-th result heads the run of rows whose count is n, so a second window reads it off that
# run's first row: two sorts, no self-join (which the planner could turn into pairs of rows when
# thousands of reports repeat one indicator and region).
_ORDER = (
    "CASE WHEN x.status = 'target' THEN x.period_start ELSE x.period_end END,"
    " x.status <> 'target', x.status = 'actual', x.figure_id DESC"
)
TARGETS = f"""
INSERT INTO target_results (target_report_id, result_report_id, indicator_code, region_code,
    region_valid_from, region_name, target_period, target, target_qualifier, result_period, result,
    result_status, target_source, result_source)
WITH f AS (
    SELECT x.*, g.code AS region_code, g.valid_from AS region_valid_from, g.name AS region_name,
           count(*) FILTER (WHERE x.status <> 'target') OVER (
               PARTITION BY x.indicator_code, g.code ORDER BY {_ORDER} ROWS UNBOUNDED PRECEDING
           ) AS results_so_far
    FROM ({{source}}) x JOIN regions g ON g.id = x.region_id
    WHERE x.status IN ('target', 'actual', 'preliminary')
), runs AS (
    SELECT x.*, first_value(x.report_id) OVER w AS a_report_id,
           first_value(x.period_start) OVER w AS a_period, first_value(x.value) OVER w AS a_value,
           first_value(x.status) OVER w AS a_status,
           first_value(x.report_slug) OVER w AS a_slug
    FROM f x WHERE x.results_so_far > 0
    WINDOW w AS (PARTITION BY x.indicator_code, x.region_code, x.results_so_far ORDER BY {_ORDER})
)
SELECT report_id, a_report_id, indicator_code, region_code, region_valid_from, region_name,
       period_start, value, qualifier, a_period, a_value, a_status, report_slug, a_slug
FROM runs WHERE status = 'target'
"""
AFFECTED_PAIRS = f"""
CREATE TEMP TABLE derived_pairs ON COMMIT DROP AS
SELECT DISTINCT f.indicator_code, g.code AS region_code
FROM ({FIGURES}) f JOIN regions g ON g.id = f.region_id WHERE f.report_id = ANY(CAST(:ids AS bigint[]))
UNION
SELECT indicator_code, region_code FROM target_results t
WHERE t.target_report_id = ANY(CAST(:ids AS bigint[])) OR t.result_report_id = ANY(CAST(:ids AS bigint[]))
UNION
SELECT indicator_code, region_code FROM derived_changed
"""
TARGETS_OF_PAIRS = (
    "DELETE FROM target_results t WHERE EXISTS (SELECT 1 FROM derived_pairs p"
    " WHERE p.indicator_code = t.indicator_code AND p.region_code = t.region_code)"
)

# analytics.series' rules (migration 0006) over the figures in series_candidates: view series_computed.
SERIES_COLUMNS = (
    "indicator_code, region_code, region_valid_from, region_name, period_start, period_end, "
    "baseline_period_start, baseline_period_end, unit, value, value_high, qualifier, status, published_on, "
    "figure_id, report_slug, rule, rule_text, tie, candidate_count, report_count, alternative_values, "
    "alternative_values_high, alternative_statuses, alternative_report_slugs, alternative_figure_ids"
)
SERIES = f"INSERT INTO series_rows ({SERIES_COLUMNS}) SELECT {SERIES_COLUMNS} FROM series_computed"
