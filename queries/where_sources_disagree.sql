-- Where sources disagree: the same indicator, region and period with different values,
-- with each report's value, status and exact evidence. Figures are matched to their conflict by
-- its key first, so that the join uses the keys' indexes instead of comparing every figure_id.
SELECT c.indicator_code, c.region_name, c.period_start, c.period_end, f.value, f.status, f.report_slug,
       r.publisher, f.evidence_text, c.spread
FROM analytics.conflicts c
JOIN analytics.figures f
  ON f.indicator_code = c.indicator_code AND f.region_code = c.region_code
 AND f.region_valid_from IS NOT DISTINCT FROM c.region_valid_from
 AND f.period_start = c.period_start AND f.period_end = c.period_end
 AND f.figure_id = ANY (c.figure_ids)
JOIN analytics.reports r USING (report_slug)
ORDER BY c.indicator_code, c.region_name, f.value;
