-- Programs and what the articles report about them: the program tree with the number of
-- figures and the money linked to each program or to any of its parts. The loader keeps each
-- program's totals (analytics.program_totals); this adds up the tree.
WITH RECURSIVE tree AS (
    SELECT program_code, program_code AS root, name_en FROM analytics.programs
    UNION ALL
    SELECT c.program_code, t.root, t.name_en
    FROM analytics.programs c JOIN tree t ON c.parent_code = t.program_code
)
SELECT p.program_code,
       p.kind,
       p.parent_code,
       p.name_vi,
       coalesce(sum(x.indicator_figures), 0) AS indicator_figures,
       coalesce(sum(x.funding_vnd), 0) AS funding_vnd
FROM analytics.programs p
LEFT JOIN tree t ON t.root = p.program_code
LEFT JOIN analytics.program_totals x ON x.program_code = t.program_code
GROUP BY p.program_code, p.kind, p.parent_code, p.name_vi
ORDER BY p.parent_code NULLS FIRST, p.program_code;
