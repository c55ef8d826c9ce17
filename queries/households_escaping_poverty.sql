-- Households that escaped poverty, and net falls in the number of poor households, by region
-- and period: gross outflows and net changes are different indicators and are kept apart.
-- Here: Tỉnh Thái Nguyên and its districts and communes (province code 19, in either era) in
-- 2022; change the code and the year in the WHERE clause.
SELECT f.region_name,
       f.indicator_code,
       f.period_start,
       f.period_end,
       abs(f.value) AS households,
       f.status,
       f.report_slug
FROM analytics.figures f
JOIN analytics.regions r ON r.region_code = f.region_code AND r.valid_from IS NOT DISTINCT FROM f.region_valid_from
WHERE f.indicator_code IN ('households_escaped_poverty', 'poor_households_change')
  AND (f.indicator_code = 'households_escaped_poverty' OR f.value < 0)
  AND r.province_code = '19'
  AND f.period_start >= DATE '2022-01-01' AND f.period_start < DATE '2023-01-01'
  -- The same filter as a list of region codes: it reaches the figures' indexes.
  AND f.region_code = ANY (ARRAY(SELECT region_code FROM analytics.regions WHERE province_code = '19'))
ORDER BY f.region_name, f.period_start, f.indicator_code;
