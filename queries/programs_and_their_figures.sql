-- Programs and what the articles report about them: the program tree with the number of
-- figures and the money linked to each program or to any of its parts.
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
       count(f.figure_id) FILTER (WHERE f.figure_kind = 'indicator') AS indicator_figures,
       coalesce(sum(f.value) FILTER (WHERE f.figure_kind = 'funding'), 0) AS funding_vnd
FROM analytics.programs p
LEFT JOIN tree t ON t.root = p.program_code
LEFT JOIN analytics.figures f ON f.program_code = t.program_code
GROUP BY p.program_code, p.kind, p.parent_code, p.name_vi
ORDER BY p.parent_code NULLS FIRST, p.program_code;
