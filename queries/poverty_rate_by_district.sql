-- Poverty rate by district for a year, with its sources: every report's figure side by side,
-- with the words it comes from, in one socio-economic region (VN-2). Change the year (a date range,
-- so that the index on indicator and period finds the year's figures) and the region below.
SELECT f.region_name        AS district,
       r.name               AS province,
       f.value              AS poor_household_rate,
       f.status,
       f.report_slug,
       f.evidence_text
FROM analytics.figures f
JOIN analytics.regions d ON d.region_code = f.region_code AND d.valid_from IS NOT DISTINCT FROM f.region_valid_from
JOIN analytics.regions r ON r.region_code = d.province_code AND r.valid_from IS NOT DISTINCT FROM d.valid_from
WHERE f.indicator_code = 'poor_household_rate'
  AND f.region_level = 'district'
  AND f.period_start >= DATE '2023-01-01' AND f.period_start < DATE '2024-01-01'
  -- In one socio-economic region (VN-2, the northern midlands and mountains), as a list of region
  -- codes: it reaches the figures' indexes.
  AND f.region_code = ANY (ARRAY(
      SELECT u.region_code FROM analytics.regions u
      WHERE u.province_code IN (SELECT g.member_code FROM analytics.region_members g
                                WHERE g.group_code = 'VN-2' AND g.group_level = 'macro_region')))
ORDER BY f.value DESC;
