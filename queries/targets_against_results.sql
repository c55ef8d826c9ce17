-- Targets against results: each target next to the latest actual or preliminary figure of the
-- same indicator and region from an earlier period, and what it asks for beyond it.
SELECT t.region_name,
       t.indicator_code,
       t.period_start AS target_period,
       t.value        AS target,
       t.qualifier    AS target_qualifier,
       a.period_start AS result_period,
       a.value        AS result,
       a.status       AS result_status,
       t.report_slug  AS target_source,
       a.report_slug  AS result_source
FROM analytics.figures t
JOIN LATERAL (
    SELECT * FROM analytics.figures a
    WHERE a.indicator_code = t.indicator_code AND a.region_code = t.region_code
      AND a.status IN ('actual', 'preliminary') AND a.period_end < t.period_start
    ORDER BY a.period_end DESC, a.status = 'actual' DESC
    LIMIT 1
) a ON true
WHERE t.status = 'target'
ORDER BY t.region_name, t.indicator_code;
