-- Find a region by name in either tone-mark convention ("Trung Hòa" or "Trung Hoà"), with its
-- district and province in the same era and what covers it today.
SELECT c.region_code,
       c.name,
       c.level,
       d.name  AS parent,
       p.name  AS province,
       c.valid_to,
       s.successor_code,
       s.successor_name,
       s.coverage
FROM analytics.regions c
LEFT JOIN analytics.regions d ON d.region_code = c.parent_code AND d.valid_from IS NOT DISTINCT FROM c.valid_from
LEFT JOIN analytics.regions p ON p.region_code = c.province_code AND p.valid_from IS NOT DISTINCT FROM c.valid_from
LEFT JOIN analytics.region_successors s ON s.predecessor_code = c.region_code AND c.valid_from IS NULL
WHERE c.name_folded = analytics.fold_name('Trung Hòa')
ORDER BY p.name, c.region_code, s.successor_code;
