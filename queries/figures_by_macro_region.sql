-- Which socio-economic region does each figure belong to? A figure of a province, district or
-- commune falls in the region that held its province in the figure's own era (before or after
-- the 2025 reform); a national or regional figure stays as reported. Compare within a region here.
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
ORDER BY macro_region_code, reported_for, f.indicator_code, f.figure_id;
