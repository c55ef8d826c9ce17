-- Jobs, training and work abroad: the labour figures of every report, per region and period.
-- Here: Tỉnh Bắc Kạn and its districts and communes (province code 06) in 2021; change the code
-- and the year in the WHERE clause.
SELECT f.region_name,
       i.name_en AS indicator,
       f.period_start,
       f.period_end,
       f.value,
       f.qualifier,
       f.status,
       f.report_slug
FROM analytics.figures f
JOIN analytics.indicators i USING (indicator_code)
JOIN analytics.regions r ON r.region_code = f.region_code AND r.valid_from IS NOT DISTINCT FROM f.region_valid_from
WHERE f.indicator_code IN ('workers_employed', 'vocational_trainees', 'vocational_classes',
                           'trainees_employed_rate', 'workers_abroad', 'workers_job_matched')
  AND r.province_code = '06'
  AND f.period_start >= DATE '2021-01-01' AND f.period_start < DATE '2022-01-01'
  -- The same filter as a list of region codes: it reaches the figures' indexes.
  AND f.region_code = ANY (ARRAY(SELECT region_code FROM analytics.regions WHERE province_code = '06'))
ORDER BY f.region_name, f.indicator_code, f.period_start;
