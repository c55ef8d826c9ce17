-- The most recent reported (not targeted) poor-household rate of each region, preferring
-- final figures to preliminary ones for the same period. Read from analytics.series, which has
-- already chosen one value per period by its rules (actual over preliminary, then the later
-- publication...): the latest period with an actual or preliminary value is the answer.
SELECT DISTINCT ON (s.region_code, s.region_valid_from)
       s.region_name,
       g.level              AS region_level,
       s.period_end,
       s.value              AS poor_household_rate,
       s.status,
       s.report_slug
FROM analytics.series s
JOIN analytics.regions g ON g.region_code = s.region_code AND g.valid_from IS NOT DISTINCT FROM s.region_valid_from
WHERE s.indicator_code = 'poor_household_rate' AND s.status IN ('actual', 'preliminary')
  AND s.baseline_period_start IS NULL
ORDER BY s.region_code, s.region_valid_from, s.period_end DESC, s.period_start DESC;
