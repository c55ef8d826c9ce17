-- Poverty rate by district for a year, with its sources: every report's figure side by side,
-- with the words it comes from. Change the year in the WHERE clause (a date range, so that the
-- index on indicator and period finds the year's figures).
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
ORDER BY f.value DESC;
