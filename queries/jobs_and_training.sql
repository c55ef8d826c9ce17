-- Jobs, training and work abroad: the labour figures of every report, per region and period.
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
WHERE f.indicator_code IN ('workers_employed', 'vocational_trainees', 'vocational_classes',
                           'trainees_employed_rate', 'workers_abroad', 'workers_job_matched')
ORDER BY f.region_name, f.indicator_code, f.period_start;
