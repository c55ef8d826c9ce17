"""The figures the refresh of the kept tables reads: all of them, or those of a scope, by index lookup.

Columns and expressions are those of analytics.figures (migration 0001), so that the groups, pairs and
series are the ones its views computed on every read. No evidence text: sorting millions of figures
with their words is what made a full recompute take more than 25 minutes at 10 million figures.
"""

from __future__ import annotations

KEY = "indicator_code, region_id, period_start, period_end, baseline_period_start, baseline_period_end"

_OBSERVATIONS = """
SELECT o.report_id, r.slug AS report_slug, r.slug || ':' || o.fact_key AS figure_id,
       i.code AS indicator_code, o.region_id, o.period_start, o.period_end,
       o.baseline_period_start, o.baseline_period_end, o.value, o.value_high, o.status, o.qualifier
FROM {scope} observations o JOIN reports r ON r.id = o.report_id
JOIN indicators i ON i.id = o.indicator_id {on}
"""
_FUNDING = """
SELECT f.report_id, r.slug, r.slug || ':' || f.fact_key,
       'funding_' || f.status, f.region_id, f.period_start, f.period_end,
       NULL::date, NULL::date, f.amount_vnd, f.amount_high_vnd,
       CASE WHEN f.status = 'planned' THEN 'target' ELSE 'actual' END, f.qualifier
FROM {scope} funding f JOIN reports r ON r.id = f.report_id {on}
"""


def _figures(o_scope: str = "", o_on: str = "", f_scope: str = "", f_on: str = "") -> str:
    return (
        _OBSERVATIONS.format(scope=o_scope, on=o_on) + "UNION ALL" + _FUNDING.format(scope=f_scope, on=f_on)
    )


FIGURES = _figures()
# The figures of the keys in derived_keys: index lookups on (indicator, region, period).
FIGURES_OF_KEYS = _figures(
    o_on="JOIN derived_keys k ON k.indicator_code = i.code AND k.region_id = o.region_id"
    " AND k.period_start = o.period_start AND k.period_end = o.period_end"
    " AND k.baseline_period_start IS NOT DISTINCT FROM o.baseline_period_start"
    " AND k.baseline_period_end IS NOT DISTINCT FROM o.baseline_period_end",
    f_on="JOIN derived_keys k ON k.indicator_code = 'funding_' || f.status AND k.region_id = f.region_id"
    " AND k.period_start = f.period_start AND k.period_end = f.period_end"
    " AND k.baseline_period_start IS NULL AND k.baseline_period_end IS NULL",
)
# The figures of the (indicator, region code) pairs in derived_pairs, from the pairs outwards: each
# pair's region ids by code, then the facts by the (indicator, region) indexes.
FIGURES_OF_PAIRS = _figures(
    o_scope="derived_pairs p JOIN regions pg ON pg.code = p.region_code"
    " JOIN indicators pi ON pi.code = p.indicator_code CROSS JOIN",
    o_on="AND o.indicator_id = pi.id AND o.region_id = pg.id",
    f_scope="derived_pairs p JOIN regions pg ON pg.code = p.region_code CROSS JOIN",
    f_on="AND 'funding_' || f.status = p.indicator_code AND f.region_id = pg.id",
)

# The candidates of analytics.series (indicator figures that say what happened), with the columns its
# rules read; series_computed (migration 0009) ranks them.
CANDIDATES = """
INSERT INTO series_candidates (figure_kind, indicator_code, region_code, region_valid_from, region_name,
    period_start, period_end, baseline_period_start, baseline_period_end, unit, value, value_high,
    qualifier, status, published_on, figure_id, report_slug, reviewed)
SELECT 'indicator', i.code, g.code, g.valid_from, g.name, o.period_start, o.period_end,
       o.baseline_period_start, o.baseline_period_end, o.unit, o.value, o.value_high, o.qualifier,
       o.status, r.published_on, r.slug || ':' || o.fact_key, r.slug, r.reviewed
FROM observations o JOIN reports r ON r.id = o.report_id JOIN indicators i ON i.id = o.indicator_id
JOIN regions g ON g.id = o.region_id {scope}
WHERE o.status IN ('actual', 'preliminary', 'expected')
"""
CANDIDATES_ALL = CANDIDATES.format(scope="")
CANDIDATES_OF_KEYS = CANDIDATES.format(
    scope="JOIN derived_keys k ON k.indicator_code = i.code AND k.region_id = o.region_id"
    " AND k.period_start = o.period_start AND k.period_end = o.period_end"
    " AND k.baseline_period_start IS NOT DISTINCT FROM o.baseline_period_start"
    " AND k.baseline_period_end IS NOT DISTINCT FROM o.baseline_period_end"
)

# Each figure as one line of everything conflict_groups, series_rows and target_results read of it
# and of its report (as record text: a NULL and an empty string differ), with its key and its
# (indicator, region code) pair. The one list of those columns, for both uses below.
_LINES = """
SELECT o.report_id, i.code AS indicator_code, o.region_id, g.code AS region_code, o.period_start,
       o.period_end, o.baseline_period_start, o.baseline_period_end,
       ROW(r.slug, r.published_on, r.reviewed, 'o', o.fact_key, i.code, o.region_id, g.code, g.valid_from,
           g.name, o.period_start, o.period_end, o.baseline_period_start, o.baseline_period_end, o.unit,
           o.value, o.value_high, o.status, o.qualifier)::text AS line
FROM observations o JOIN reports r ON r.id = o.report_id JOIN indicators i ON i.id = o.indicator_id
JOIN regions g ON g.id = o.region_id
WHERE {where_o}
UNION ALL
SELECT f.report_id, 'funding_' || f.status, f.region_id, g.code, f.period_start, f.period_end, NULL::date,
       NULL::date,
       ROW(r.slug, r.published_on, r.reviewed, 'f', f.fact_key, f.status, f.region_id, g.code, g.valid_from,
           g.name, f.period_start, f.period_end, f.amount_vnd, f.amount_high_vnd, f.qualifier)::text
FROM funding f JOIN reports r ON r.id = f.report_id JOIN regions g ON g.id = f.region_id
WHERE {where_f}
"""
_IDS = "ANY(CAST(:ids AS bigint[]))"
_ALL = {"where_o": "true", "where_f": "true"}
_OF_IDS = {"where_o": f"o.report_id = {_IDS}", "where_f": f"f.report_id = {_IDS}"}

# A report's lines as one md5 (derived_reports.figures_digest, migration 0012): a report rewritten
# with the same digest (a comment, its text or statements edited) cannot change the keyed tables.
# Lines sorted in "C" order so that the digest does not depend on the collation.
DIGESTS = """
SELECT r.id, r.slug,
       md5(ROW(r.slug, r.published_on, r.reviewed)::text || E'\\n' || coalesce(x.figures, '')) AS digest
FROM reports r LEFT JOIN (
    SELECT report_id, string_agg(line, E'\\n' ORDER BY line COLLATE "C") AS figures
    FROM ({lines}) y GROUP BY report_id
) x ON x.report_id = r.id
WHERE {where_r}
"""
DIGESTS_ALL = DIGESTS.format(lines=_LINES.format(**_ALL), where_r="true")
DIGESTS_OF = DIGESTS.format(lines=_LINES.format(**_OF_IDS), where_r=f"r.id = {_IDS}")

# The lines of the reports in :ids, taken before a load rewrites them (derived_before) and again
# after: the lines that differ name the only keys and pairs the rewrite can change, so an edit of
# one figure recomputes that figure's key, not every key of its report.
FIGURE_LINES = _LINES.format(**_OF_IDS)
BEFORE = f"CREATE TEMP TABLE derived_before ON COMMIT DROP AS {FIGURE_LINES}"
BEFORE_IDS = (
    "CREATE TEMP TABLE derived_before_ids ON COMMIT DROP AS"
    " SELECT unnest(CAST(:ids AS bigint[])) AS report_id"
)
# The lines of the reports in :ids that the rewrite added or took away (derived_before: before it).
CHANGED = f"""
CREATE TEMP TABLE derived_changed ON COMMIT DROP AS
WITH after AS ({FIGURE_LINES}),
     before AS (SELECT * FROM derived_before WHERE report_id = ANY(CAST(:ids AS bigint[])))
(SELECT * FROM before EXCEPT ALL SELECT * FROM after)
UNION ALL
(SELECT * FROM after EXCEPT ALL SELECT * FROM before)
"""
