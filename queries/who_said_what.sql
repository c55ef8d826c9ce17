-- Who said what about which region: the statements of the latest reports (the 200 most recent),
-- with the speaker's title as of the report, the kind (direct quote or paraphrase) and the start
-- of the words. Filter on person_name or region_name for one speaker or place.
SELECT s.person_name,
       s.position_title,
       s.region_name,
       s.kind,
       left(s.text, 120) AS beginning,
       length(s.text)    AS characters,
       s.report_slug,
       r.published_on
FROM analytics.statements s
JOIN analytics.reports r USING (report_slug)
ORDER BY r.published_on DESC NULLS LAST, s.report_slug, s.char_start
LIMIT 200;
