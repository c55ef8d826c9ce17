-- Which socio-economic region does each figure belong to? Here: the poor-household rates of 2023
-- in region VN-2 (change the indicator, the year and the region in the WHERE clause). A figure of a province, district or
-- commune falls in the region that held its province in the figure's own era (before or after the
-- 2025 reform); a national or regional figure stays as reported. Compare within a region here.
-- One indicator, year and region: the whole corpus is millions of figures, no list to read.
SELECT coalesce(m.group_code, f.region_code) AS macro_region_code,
       coalesce(m.group_name, f.region_name) AS macro_region,
       f.region_valid_from IS NULL            AS before_reform,
       f.region_name                          AS reported_for,
       f.indicator_code,
       f.period_start,
       f.value,
       f.figure_id
FROM analytics.figures f
JOIN analytics.regions r
  ON r.region_code = f.region_code AND r.valid_from IS NOT DISTINCT FROM f.region_valid_from
LEFT JOIN analytics.region_members m
  ON m.member_code = r.province_code AND m.member_valid_from IS NOT DISTINCT FROM r.valid_from
 AND m.group_level = 'macro_region'
WHERE f.indicator_code = 'poor_household_rate'
  AND f.period_start >= DATE '2023-01-01' AND f.period_start < DATE '2024-01-01'
  -- In one socio-economic region (VN-2, the northern midlands and mountains), as a list of region
  -- codes: it reaches the figures' indexes.
  AND f.region_code = ANY (ARRAY(
      SELECT u.region_code FROM analytics.regions u
      WHERE u.province_code IN (SELECT g.member_code FROM analytics.region_members g
                                WHERE g.group_code = 'VN-2' AND g.group_level = 'macro_region')))
  AND coalesce(m.group_code, f.region_code) = 'VN-2'  -- the region in the figure's own era
ORDER BY macro_region_code, reported_for, f.indicator_code, f.figure_id;
