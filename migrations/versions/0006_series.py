"""analytics.series: one chosen value per indicator, region and period, with the rule that chose
it and the alternatives beside it (docs/series.md).

Window functions over analytics.figures: one sort, no GROUP BY, no subquery over figures; filters on
the key columns (indicator, region, period) are pushed down to the base tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = (
    "indicator_code, region_code, region_valid_from, period_start, period_end, "
    "baseline_period_start, baseline_period_end"
)
# Rank order, best first: status, publication (undated counts as earliest), review, then
# figure_id only to make a tie's pick stable (a tie is flagged, not decided by it).
WINDOW = f"PARTITION BY {KEY} ORDER BY status_rank, published_on DESC NULLS LAST, review_rank, figure_id"

# Candidates are indicator figures that say what happened (targets are goals, funding items are
# parts that add up, not rival measurements). Ranks are small integers, lower is better, so that
# the order of the window and the naming of the rule use the same terms.
SERIES_SQL = f"""
CREATE VIEW analytics.series AS
WITH candidates AS (
    SELECT f.*,
           CASE f.status WHEN 'actual' THEN 1 WHEN 'preliminary' THEN 2 ELSE 3 END AS status_rank,
           -- A reviewed fact beats a machine-drafted one (reviewed comes from migration 0005).
           CASE WHEN f.reviewed THEN 0 ELSE 1 END AS review_rank
    FROM analytics.figures f
    WHERE f.figure_kind = 'indicator' AND f.status IN ('actual', 'preliminary', 'expected')
),
ranked AS (
    SELECT c.*,
           row_number() OVER w AS pick,
           -- "Different value": what analytics.conflicts calls a disagreement (value or range), or
           -- another unit. Candidates agreeing with the chosen one are alternatives, not rivals.
           (c.value, c.value_high, c.unit) IS DISTINCT FROM
               (first_value(c.value) OVER w, first_value(c.value_high) OVER w, first_value(c.unit) OVER w)
               AS differs
    FROM candidates c
    WINDOW w AS ({WINDOW})
),
-- Whole-partition aggregates, computed once per key on rows already in rank order (no second
-- sort, no GROUP BY); the first row of each key carries them out.
framed AS (
    SELECT r.*,
           count(*) OVER p                                               AS candidate_count,
           bool_or(differs) OVER p                                       AS disputed,
           -- The rival: the best-ranked candidate with a different value.
           (array_agg(status) FILTER (WHERE differs) OVER p)[1]          AS rival_status,
           (array_agg(status_rank) FILTER (WHERE differs) OVER p)[1]     AS rival_status_rank,
           (array_agg(published_on) FILTER (WHERE differs) OVER p)[1]    AS rival_published_on,
           (array_agg(review_rank) FILTER (WHERE differs) OVER p)[1]     AS rival_review_rank,
           (array_agg(value) OVER p)[2:]                                 AS alternative_values,
           (array_agg(value_high) OVER p)[2:]                            AS alternative_values_high,
           (array_agg(status) OVER p)[2:]                                AS alternative_statuses,
           (array_agg(report_slug) OVER p)[2:]                           AS alternative_report_slugs,
           (array_agg(figure_id) OVER p)[2:]                             AS alternative_figure_ids
    FROM ranked r
    WINDOW p AS ({WINDOW} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
ruled AS (
    SELECT f.*,
           CASE
               WHEN NOT f.disputed AND f.candidate_count = 1 THEN 'single_figure'
               WHEN NOT f.disputed THEN 'figures_agree'
               WHEN f.status_rank < f.rival_status_rank THEN f.status || '_over_' || f.rival_status
               WHEN f.rival_published_on IS NULL AND f.published_on IS NOT NULL THEN 'dated_over_undated'
               WHEN f.published_on > f.rival_published_on THEN 'later_publication'
               WHEN f.review_rank < f.rival_review_rank THEN 'reviewed_over_drafted'
               ELSE 'tie'
           END AS rule
    FROM framed f
    WHERE f.pick = 1
)
SELECT indicator_code,
       region_code,
       region_valid_from,
       region_name,
       period_start,
       period_end,
       baseline_period_start,
       baseline_period_end,
       unit,
       value,
       value_high,
       qualifier,
       status,
       published_on,
       figure_id,
       report_slug,
       rule,
       CASE rule
           WHEN 'single_figure' THEN 'Only one report gives this figure.'
           WHEN 'figures_agree' THEN 'Every report gives the same value; the best-ranked figure is shown.'
           WHEN 'actual_over_preliminary' THEN 'An actual figure beats a preliminary one.'
           WHEN 'actual_over_expected' THEN 'An actual figure beats an expected one.'
           WHEN 'preliminary_over_expected' THEN 'A preliminary figure beats an expected one.'
           WHEN 'dated_over_undated' THEN 'Same status; the other report prints no publication date, so the dated one counts as later.'
           WHEN 'later_publication' THEN 'Same status; the later publication beats the earlier one.'
           WHEN 'reviewed_over_drafted' THEN 'Same status and date; a reviewed fact beats a machine-drafted one.'
           WHEN 'tie' THEN 'Tie: same status, date and review, different values. The figure shown is the first by figure_id; check the alternatives.'
       END AS rule_text,
       rule = 'tie' AS tie,
       candidate_count,
       (SELECT count(DISTINCT slug) FROM unnest(alternative_report_slugs || report_slug) slug) AS report_count,
       alternative_values,
       alternative_values_high,
       alternative_statuses,
       alternative_report_slugs,
       alternative_figure_ids
FROM ruled
"""

COMMENT = (
    "One row per indicator, region and period (and baseline period, for changes): the value to use, "
    "chosen among the reports' figures by a documented rule, with the rule that chose it and the other "
    "figures beside it. Rule, in order: actual beats preliminary, preliminary beats expected, a later "
    "publication beats an earlier one (an undated report counts as earliest), a reviewed fact beats a "
    "machine-drafted one; what remains is a tie, flagged. Targets and funding items are not in the "
    "series: see analytics.figures and analytics.funding. Details in docs/series.md."
)
COLUMNS = {
    "indicator_code": "The indicator (analytics.indicators).",
    "region_code": "GSO code of the region.",
    "region_valid_from": "First day the region is valid: NULL for units of before the 2025 reform, "
    "2025-07-01 for units created by it. Join analytics.regions on region_code and valid_from together.",
    "region_name": "Official name of the region.",
    "period_start": "First day of the period.",
    "period_end": "Last day of the period.",
    "baseline_period_start": "For a change: first day of the period it is measured against; NULL for a level.",
    "baseline_period_end": "For a change: last day of the period it is measured against; NULL for a level.",
    "unit": "Unit of the chosen value (percent, percentage_points, households, ...).",
    "value": "The chosen value (the low end of a range). Changes are signed: a fall is negative.",
    "value_high": "High end of the chosen range; NULL when the chosen value is a single number.",
    "qualifier": "Word before the chosen number (more_than, nearly, about, ...); NULL when exact.",
    "status": "Status of the chosen figure: actual, preliminary or expected.",
    "published_on": "Publication date of the chosen figure's report; NULL when it prints none.",
    "figure_id": "analytics.figures.figure_id of the chosen figure, for its evidence.",
    "report_slug": "The report of the chosen figure (analytics.reports).",
    "rule": "Why this figure was chosen: single_figure, figures_agree, actual_over_preliminary, "
    "actual_over_expected, preliminary_over_expected, later_publication, dated_over_undated, "
    "reviewed_over_drafted, or tie. Names the first rule that separates the chosen figure from "
    "the best-ranked figure with a different value.",
    "rule_text": "The rule in words.",
    "tie": "True when no rule separates the chosen value from a different one: same status, "
    "publication date and review. The figure shown is then the first by figure_id; "
    "do not use it without checking the alternatives.",
    "candidate_count": "Figures for this indicator, region and period (the chosen one included).",
    "report_count": "Distinct reports among those figures.",
    "alternative_values": "Values of the other figures, best-ranked first; agreeing values included.",
    "alternative_values_high": "High ends of the other figures' ranges, in the order of alternative_values.",
    "alternative_statuses": "Statuses of the other figures, in the order of alternative_values.",
    "alternative_report_slugs": "Reports of the other figures, in the order of alternative_values.",
    "alternative_figure_ids": "analytics.figures.figure_id of the other figures, in the order of alternative_values.",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute(SERIES_SQL)
    op.execute(f"COMMENT ON VIEW analytics.series IS {_quote(COMMENT)}")
    for column, comment in COLUMNS.items():
        op.execute(f"COMMENT ON COLUMN analytics.series.{column} IS {_quote(comment)}")


def downgrade() -> None:
    op.execute("DROP VIEW analytics.series")
