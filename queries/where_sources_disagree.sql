-- Where sources disagree: the same indicator, region and period with different values,
-- with each report's value, status and exact evidence.
SELECT c.indicator_code,
       c.region_name,
       c.period_start,
       c.period_end,
       f.value,
       f.status,
       f.report_slug,
       r.publisher,
       f.evidence_text,
       c.spread
FROM analytics.conflicts c
CROSS JOIN LATERAL unnest(c.figure_ids) AS ids(figure_id)
JOIN analytics.figures f USING (figure_id)
JOIN analytics.reports r USING (report_slug)
ORDER BY c.indicator_code, c.region_name, f.value;
