-- Households that escaped poverty, and net falls in the number of poor households, by region
-- and period: gross outflows and net changes are different indicators and are kept apart.
SELECT f.region_name,
       f.indicator_code,
       f.period_start,
       f.period_end,
       abs(f.value) AS households,
       f.status,
       f.report_slug
FROM analytics.figures f
WHERE f.indicator_code IN ('households_escaped_poverty', 'poor_households_change')
  AND (f.indicator_code = 'households_escaped_poverty' OR f.value < 0)
ORDER BY f.region_name, f.period_start, f.indicator_code;
