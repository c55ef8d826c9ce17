-- Where sources disagree: the same indicator, region and period with different values,
-- with each report's value, status and exact evidence. Figures are matched to their conflict by
-- its whole key (every figure of the key is in the group), so that the join uses the keys' indexes.
-- Here: the poor-household rate of Tỉnh Bắc Kạn (change the indicator and the region in the WHERE
-- clause; analytics.conflicts alone lists every disagreement, without the evidence).
SELECT c.indicator_code, c.region_name, c.period_start, c.period_end, f.value, f.status, f.report_slug,
       r.publisher, f.evidence_text, c.spread
FROM analytics.conflicts c
JOIN analytics.figures f
  ON f.indicator_code = c.indicator_code AND f.region_code = c.region_code
 AND f.region_valid_from IS NOT DISTINCT FROM c.region_valid_from
 AND f.period_start = c.period_start AND f.period_end = c.period_end
 AND f.baseline_period_start IS NOT DISTINCT FROM c.baseline_period_start
 AND f.baseline_period_end IS NOT DISTINCT FROM c.baseline_period_end
JOIN analytics.reports r USING (report_slug)
WHERE c.indicator_code = 'poor_household_rate' AND c.region_name = 'Tỉnh Bắc Kạn'
  AND f.indicator_code = 'poor_household_rate' AND f.region_name = 'Tỉnh Bắc Kạn'  -- reaches the indexes
ORDER BY c.indicator_code, c.region_name, f.value;
