-- Who said what about which region: every statement with the speaker's title as of the
-- report, the kind (direct quote or paraphrase) and the start of the words.
SELECT s.person_name,
       s.position_title,
       s.region_name,
       s.kind,
       left(s.text, 120) AS beginning,
       length(s.text)    AS characters,
       s.report_slug
FROM analytics.statements s
ORDER BY s.person_name, s.char_start;
