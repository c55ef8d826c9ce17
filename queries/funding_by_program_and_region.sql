-- Funding by program and region: money per program (rolled up to its top-level program),
-- region and status, with how many figures it adds up and the lowest total they state. The
-- loader keeps the totals per program and region (analytics.funding_totals); this rolls them up.
SELECT coalesce(top.program_code, f.program_code, '(no program)') AS program,
       f.region_name,
       f.status,
       f.funding_source,
       sum(f.items)::bigint           AS items,
       sum(f.amount_vnd_at_least)     AS amount_vnd_at_least,
       bool_or(f.some_amounts_approximate) AS some_amounts_approximate
FROM analytics.funding_totals f
LEFT JOIN analytics.programs p ON p.program_code = f.program_code
LEFT JOIN analytics.programs top ON top.program_code = coalesce(p.parent_code, p.program_code)
GROUP BY 1, 2, 3, 4
ORDER BY amount_vnd_at_least DESC;
