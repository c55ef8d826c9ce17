-- Figures of pre-reform units (2023 districts and provinces), rolled up to the province that
-- holds them today. A pre-reform province has one successor province (provinces merged whole);
-- a district maps to the province(s) its communes went to (coverage 'partial' when split).
-- Here: the 2023 poor-household rates behind today's Tỉnh Thái Nguyên (which absorbed Bắc Kạn);
-- change the province, the indicator and the year in the WHERE clause.
SELECT s.successor_code        AS province_code_today,
       s.successor_name        AS province_today,
       f.indicator_code,
       f.period_start,
       f.region_code           AS reported_for_code,
       f.region_name           AS reported_for,
       f.value,
       f.status,
       s.coverage,
       f.report_slug
FROM analytics.figures f
JOIN analytics.region_successors s
  ON s.predecessor_code = f.region_code
 AND s.successor_level = 'province'
WHERE f.region_valid_from IS NULL          -- a pre-reform unit
  AND f.region_level IN ('province', 'district')
  AND s.successor_name = 'Tỉnh Thái Nguyên'
  AND f.indicator_code = 'poor_household_rate'
  AND f.period_start >= DATE '2023-01-01' AND f.period_start < DATE '2024-01-01'
  -- The same filter as a list of region codes: it reaches the figures' indexes.
  AND f.region_code = ANY (ARRAY(SELECT predecessor_code FROM analytics.region_successors
                                 WHERE successor_name = 'Tỉnh Thái Nguyên' AND successor_level = 'province'))
ORDER BY province_today, f.indicator_code, f.period_start, reported_for;
