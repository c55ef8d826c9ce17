-- Provenance check: every figure, funding item and statement whose offsets do not give back
-- its evidence. An empty result is what the loader guarantees. The loader compares each fact's
-- offsets with its report's text when it writes the report and records the mismatches here, so
-- that this check does not read every report's full text once per figure.
SELECT m.kind, m.fact_id AS id FROM analytics.span_mismatches m;
