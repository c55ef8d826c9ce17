-- Provenance check: every figure, funding item and statement whose offsets do not give back
-- its evidence. An empty result is what the loader guarantees.
SELECT 'figure' AS kind, f.figure_id AS id FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
WHERE substr(r.text, f.char_start + 1, f.char_end - f.char_start) <> f.evidence_text
UNION ALL
SELECT 'statement', s.statement_id FROM analytics.statements s JOIN analytics.reports r USING (report_slug)
WHERE substr(r.text, s.char_start + 1, s.char_end - s.char_start) <> s.text;
