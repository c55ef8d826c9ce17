-- The most recent reported (not targeted) poor-household rate of each region, preferring
-- final figures to preliminary ones for the same period.
SELECT DISTINCT ON (f.region_code, f.region_valid_from)
       f.region_name,
       f.region_level,
       f.period_end,
       f.value AS poor_household_rate,
       f.status,
       f.report_slug
FROM analytics.figures f
WHERE f.indicator_code = 'poor_household_rate' AND f.status IN ('actual', 'preliminary')
ORDER BY f.region_code, f.region_valid_from, f.period_end DESC, (f.status = 'actual') DESC;
