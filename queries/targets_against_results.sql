-- Targets against results: each target next to the latest actual or preliminary figure of the
-- same indicator and region from an earlier period, and what it asks for beyond it. The loader
-- keeps the pairs (analytics.targets_against_results), so that this does not search the whole
-- corpus once per target. Here: Tỉnh Bắc Kạn (region code 06); change it in the WHERE clause.
SELECT t.region_name,
       t.indicator_code,
       t.target_period,
       t.target,
       t.target_qualifier,
       t.result_period,
       t.result,
       t.result_status,
       t.target_source,
       t.result_source
FROM analytics.targets_against_results t
WHERE t.region_code = '06'
ORDER BY t.region_name, t.indicator_code;
