"""What whole-corpus analytics views need, kept at load time for the reports a run changed.

analytics.conflicts reads conflict_groups, analytics.span_mismatches span_mismatches,
analytics.targets_against_results target_results and analytics.series series_rows (migration
0008): computing them on every read aggregates, detoasts or searches the whole corpus, too slow
at millions of figures. The loader calls refresh_derived() in its transaction, so the tables
always equal a from-scratch computation (tests/load/test_derived.py proves it).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

# Every figure as analytics.figures has it, with the base keys the refresh joins on. Its columns
# and expressions are those of analytics.figures (migration 0001), so the groups are the same.
# {o} and {f} join each branch to a scope (derived_keys, derived_pairs) from the base tables, so
# that a small scope is index lookups, not a pass over every figure.
FIGURES_IN = """
SELECT o.report_id, r.slug AS report_slug, r.slug || ':' || o.fact_key AS figure_id,
       i.code AS indicator_code, o.region_id, o.period_start, o.period_end,
       o.baseline_period_start, o.baseline_period_end, o.value, o.value_high, o.status, o.qualifier
FROM observations o JOIN reports r ON r.id = o.report_id JOIN indicators i ON i.id = o.indicator_id {o}
UNION ALL
SELECT f.report_id, r.slug, r.slug || ':' || f.fact_key,
       'funding_' || f.status, f.region_id, f.period_start, f.period_end,
       NULL::date, NULL::date, f.amount_vnd, f.amount_high_vnd,
       CASE WHEN f.status = 'planned' THEN 'target' ELSE 'actual' END, f.qualifier
FROM funding f JOIN reports r ON r.id = f.report_id {f}
"""
FIGURES = FIGURES_IN.format(o="", f="")
_KEYED = (
    "JOIN derived_keys k ON k.indicator_code = {code} AND k.region_id = {t}.region_id"
    " AND k.period_start = {t}.period_start AND k.period_end = {t}.period_end"
    " AND k.baseline_period_start IS NOT DISTINCT FROM {base_start}"
    " AND k.baseline_period_end IS NOT DISTINCT FROM {base_end}"
)
FIGURES_OF_KEYS = FIGURES_IN.format(
    o=_KEYED.format(
        code="i.code", t="o", base_start="o.baseline_period_start", base_end="o.baseline_period_end"
    ),
    f=_KEYED.format(code="'funding_' || f.status", t="f", base_start="NULL::date", base_end="NULL::date"),
)
_PAIRED = (
    "JOIN regions pg ON pg.id = {t}.region_id"
    " JOIN derived_pairs p ON p.indicator_code = {code} AND p.region_code = pg.code"
)
FIGURES_OF_PAIRS = FIGURES_IN.format(
    o=_PAIRED.format(t="o", code="i.code"), f=_PAIRED.format(t="f", code="'funding_' || f.status")
)
KEY = "indicator_code, region_id, period_start, period_end, baseline_period_start, baseline_period_end"

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
# changed or removed report (:ids and :slugs hold both).
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
) k
"""
SAME_KEY = (
    "k.indicator_code = {t}.indicator_code AND k.region_id = {t}.region_id"
    " AND k.period_start = {t}.period_start AND k.period_end = {t}.period_end"
    " AND k.baseline_period_start IS NOT DISTINCT FROM {t}.baseline_period_start"
    " AND k.baseline_period_end IS NOT DISTINCT FROM {t}.baseline_period_end"
)

# The span check of queries/evidence_check.sql before 0008, over the reports in `where`.
MISMATCHES = """
INSERT INTO span_mismatches (kind, fact_id, report_id)
SELECT 'figure', r.slug || ':' || o.fact_key, r.id FROM reports r JOIN observations o ON o.report_id = r.id
WHERE {where} AND substr(r.text, o.char_start + 1, o.char_end - o.char_start) <> o.evidence_text
UNION ALL
SELECT 'figure', r.slug || ':' || f.fact_key, r.id FROM reports r JOIN funding f ON f.report_id = r.id
WHERE {where} AND substr(r.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence_text
UNION ALL
SELECT 'statement', r.slug || ':' || s.fact_key, r.id FROM reports r JOIN statements s ON s.report_id = r.id
WHERE {where} AND substr(r.text, s.char_start + 1, s.char_end - s.char_start) <> s.evidence_text
"""


# queries/targets_against_results.sql before 0008 (ties now broken by figure_id), set-based: one
# LATERAL search per target took minutes at a million figures. Targets and results of one indicator
# and region code are put in time order (a target at the instant its period starts, before any
# result ending then; a result at its period end, preliminary before actual, larger figure_id
# first), so that a target's result is the last result before it: the n-th, n counted by the window.
TARGETS = """
INSERT INTO target_results (target_report_id, result_report_id, indicator_code, region_code,
    region_valid_from, region_name, target_period, target, target_qualifier, result_period, result,
    result_status, target_source, result_source)
WITH f AS (
    SELECT x.*, g.code AS region_code, g.valid_from AS region_valid_from, g.name AS region_name,
           count(*) FILTER (WHERE x.status <> 'target') OVER (
               PARTITION BY x.indicator_code, g.code
               ORDER BY CASE WHEN x.status = 'target' THEN x.period_start ELSE x.period_end END,
                        x.status <> 'target', x.status = 'actual', x.figure_id DESC
               ROWS UNBOUNDED PRECEDING) AS results_so_far
    FROM ({source}) x JOIN regions g ON g.id = x.region_id
    WHERE x.status IN ('target', 'actual', 'preliminary')
)
SELECT t.report_id, a.report_id, t.indicator_code, t.region_code, t.region_valid_from, t.region_name,
       t.period_start, t.value, t.qualifier, a.period_start, a.value, a.status, t.report_slug, a.report_slug
FROM f t
JOIN f a ON a.indicator_code = t.indicator_code AND a.region_code = t.region_code
        AND a.results_so_far = t.results_so_far AND a.status <> 'target'
WHERE t.status = 'target' AND t.results_so_far > 0
"""
AFFECTED_PAIRS = f"""
CREATE TEMP TABLE derived_pairs ON COMMIT DROP AS
SELECT DISTINCT f.indicator_code, g.code AS region_code
FROM ({FIGURES}) f JOIN regions g ON g.id = f.region_id WHERE f.report_id = ANY(CAST(:ids AS bigint[]))
UNION
SELECT indicator_code, region_code FROM target_results t
WHERE t.target_report_id = ANY(CAST(:ids AS bigint[])) OR t.result_report_id = ANY(CAST(:ids AS bigint[]))
"""
IN_PAIRS = (
    "EXISTS (SELECT 1 FROM derived_pairs p"
    " WHERE p.indicator_code = {t}.indicator_code AND p.region_code = {t}.region_code)"
)


# analytics.series' rules (migration 0006) over the keys in series_scope: view series_computed.
SERIES_COLUMNS = (
    "indicator_code, region_code, region_valid_from, region_name, period_start, period_end, "
    "baseline_period_start, baseline_period_end, unit, value, value_high, qualifier, status, published_on, "
    "figure_id, report_slug, rule, rule_text, tie, candidate_count, report_count, alternative_values, "
    "alternative_values_high, alternative_statuses, alternative_report_slugs, alternative_figure_ids"
)
SERIES = f"INSERT INTO series_rows ({SERIES_COLUMNS}) SELECT {SERIES_COLUMNS} FROM series_computed"


def refresh_derived(conn: Connection, changed_report_ids: Iterable[int] | None) -> None:
    """Bring conflict_groups, span_mismatches, target_results and series_rows up to date after the
    reports with these ids were added or rewritten (and any reports removed). None: all from scratch."""
    if changed_report_ids is None:
        conn.execute(
            text("TRUNCATE conflict_groups, span_mismatches, target_results, series_rows, derived_reports")
        )
        conn.execute(text(f"INSERT INTO series_scope SELECT DISTINCT {KEY} FROM ({FIGURES}) f"))
        conn.execute(text("ANALYZE series_scope"))  # its statistics decide the plan of series_computed
        conn.execute(text(SERIES))
        conn.execute(text("TRUNCATE series_scope"))
        conn.execute(text(TARGETS.format(source=FIGURES)))
        conn.execute(text(GROUPS.format(source=FIGURES)))
        conn.execute(text(MISMATCHES.format(where="true")))
        conn.execute(text("INSERT INTO derived_reports SELECT id, slug FROM reports"))
        return
    # derived_reports lists the reports the kept rows were computed from: those gone since were
    # removed, and their rows must go too. Old and new slugs both, for a report that changed slug.
    gone = conn.execute(
        text(
            "SELECT d.report_id, d.slug FROM derived_reports d"
            " WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = d.report_id)"
            " UNION SELECT d.report_id, d.slug FROM derived_reports d"
            " WHERE d.report_id = ANY(CAST(:ids AS bigint[]))"
            " UNION SELECT id, slug FROM reports WHERE id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"ids": list(changed_report_ids)},
    ).all()
    if not gone:
        return  # nothing changed: nothing to recompute
    params = {"ids": sorted({i for i, _ in gone}), "slugs": sorted({slug for _, slug in gone})}
    conn.execute(text(AFFECTED), params)
    conn.execute(text("ANALYZE derived_keys"))  # temporary tables get no statistics otherwise
    conn.execute(text(f"DELETE FROM conflict_groups c USING derived_keys k WHERE {SAME_KEY.format(t='c')}"))
    conn.execute(
        text(
            "DELETE FROM series_rows s USING derived_keys k, regions g"
            " WHERE g.id = k.region_id AND s.region_code = g.code"
            " AND s.region_valid_from IS NOT DISTINCT FROM g.valid_from"
            " AND s.indicator_code = k.indicator_code AND s.period_start = k.period_start"
            " AND s.period_end = k.period_end"
            " AND s.baseline_period_start IS NOT DISTINCT FROM k.baseline_period_start"
            " AND s.baseline_period_end IS NOT DISTINCT FROM k.baseline_period_end"
        )
    )
    conn.execute(text(f"INSERT INTO series_scope SELECT {KEY} FROM derived_keys"))
    conn.execute(text("ANALYZE series_scope"))
    conn.execute(text(SERIES))
    conn.execute(text("DELETE FROM series_scope"))
    conn.execute(text(GROUPS.format(source=FIGURES_OF_KEYS)))
    conn.execute(text("DROP TABLE derived_keys"))
    conn.execute(text("DELETE FROM span_mismatches WHERE report_id = ANY(CAST(:ids AS bigint[]))"), params)
    conn.execute(text(MISMATCHES.format(where="r.id = ANY(CAST(:ids AS bigint[]))")), params)
    conn.execute(text(AFFECTED_PAIRS), params)
    conn.execute(text("ANALYZE derived_pairs"))
    conn.execute(text(f"DELETE FROM target_results t WHERE {IN_PAIRS.format(t='t')}"))
    conn.execute(text(TARGETS.format(source=FIGURES_OF_PAIRS)))
    conn.execute(text("DROP TABLE derived_pairs"))
    conn.execute(text("DELETE FROM derived_reports WHERE report_id = ANY(CAST(:ids AS bigint[]))"), params)
    conn.execute(
        text(
            "INSERT INTO derived_reports SELECT id, slug FROM reports WHERE id = ANY(CAST(:ids AS bigint[]))"
        ),
        params,
    )
