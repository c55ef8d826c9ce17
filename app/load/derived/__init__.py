"""What whole-corpus analytics views need, kept at load time for the reports a run changed.

analytics.conflicts reads conflict_groups, analytics.span_mismatches span_mismatches,
analytics.targets_against_results target_results and analytics.series series_rows (migration 0008);
analytics.reports, program_totals and funding_totals read report_facts, program_figures and
funding_totals (migration 0009): computing them on every read aggregates, detoasts or searches the
whole corpus, too slow at millions of figures. The loader calls refresh_derived() in its
transaction, so the tables always equal a from-scratch computation (tests/load/test_derived.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from app.load.derived import aggregates
from app.load.derived.figures import (
    BEFORE,
    BEFORE_IDS,
    CANDIDATES_ALL,
    CANDIDATES_OF_KEYS,
    CHANGED,
    DIGESTS_ALL,
    DIGESTS_OF,
    FIGURES,
    FIGURES_OF_KEYS,
    FIGURES_OF_PAIRS,
)
from app.load.derived.kept import (
    AFFECTED,
    AFFECTED_PAIRS,
    GROUPS,
    MISMATCHES,
    SAME_KEY,
    SERIES,
    SERIES_OF_KEYS,
    TARGETS,
    TARGETS_OF_PAIRS,
)

# Above this many reports to derive (a first load, an upgrade), recomputing everything is cheaper
# than looking up the keys of each.
FULL_ABOVE = 5000


def _recompute_all(conn: Connection) -> None:
    conn.execute(
        text(
            "TRUNCATE conflict_groups, span_mismatches, target_results, series_rows, derived_reports,"
            " series_candidates"
        )
    )
    # Sorting millions of lean rows: give this transaction's sorts room (a no-op on small corpora).
    conn.execute(text("SET LOCAL work_mem = '256MB'"))
    conn.execute(text(CANDIDATES_ALL))
    conn.execute(text("ANALYZE series_candidates"))
    conn.execute(text(SERIES))
    conn.execute(text("TRUNCATE series_candidates"))
    conn.execute(text(TARGETS.format(source=FIGURES)))
    conn.execute(text(GROUPS.format(source=FIGURES)))
    conn.execute(text(MISMATCHES.format(where="true")))
    aggregates.refresh_all(conn)
    conn.execute(text(f"INSERT INTO derived_reports (report_id, slug, figures_digest) {DIGESTS_ALL}"))
    conn.execute(text("RESET work_mem"))


def refresh_derived(conn: Connection, changed_report_ids: Iterable[int] | None) -> None:
    """Bring the kept tables up to date after the reports with these ids were added or rewritten (and
    any reports removed). None: all from scratch."""
    if changed_report_ids is None:
        _recompute_all(conn)
        return
    # derived_reports lists the reports the kept rows were computed from: those gone since were
    # removed, and their rows must go too. Old and new slugs both, for a report that changed slug.
    # Ids first, through the primary keys only (reading reports' rows for their slugs would read the
    # whole table, text included); slugs then for those few ids.
    gone = conn.execute(
        text(
            "WITH ids AS (SELECT d.report_id AS id FROM derived_reports d"
            " WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = d.report_id)"
            # Reports never derived yet (loaded before migration 0008, or 0009 emptied the list).
            " UNION SELECT r.id FROM reports r"
            " WHERE NOT EXISTS (SELECT 1 FROM derived_reports d WHERE d.report_id = r.id)"
            " UNION SELECT unnest(CAST(:ids AS bigint[])))"
            " SELECT d.report_id, d.slug FROM derived_reports d JOIN ids ON ids.id = d.report_id"
            " UNION SELECT r.id, r.slug FROM reports r JOIN ids ON ids.id = r.id"
        ),
        {"ids": list(changed_report_ids)},
    ).all()
    if not gone:
        return  # nothing changed: nothing to recompute
    if len(gone) > FULL_ABOVE:
        _recompute_all(conn)
        return
    ids = sorted({i for i, _ in gone})
    digests = {i: (slug, digest) for i, slug, digest in conn.execute(text(DIGESTS_OF), {"ids": ids})}
    stored = conn.execute(
        text(
            "SELECT report_id, slug, figures_digest FROM derived_reports"
            " WHERE report_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"ids": ids},
    ).all()
    # Reports rewritten with the same figures (same digest, same slug) cannot change a key's rows:
    # only the others' keys are recomputed, however many figures those keys hold.
    same = {i for i, slug, digest in stored if digest is not None and digests.get(i) == (slug, digest)}
    keyed = [i for i in ids if i not in same]
    if keyed:
        _refresh_keys(conn, keyed, gone, derived={i for i, _, _ in stored})
    conn.execute(text("DROP TABLE IF EXISTS derived_before, derived_before_ids"))  # used: not again
    params = {"ids": ids}
    conn.execute(text("DELETE FROM span_mismatches WHERE report_id = ANY(CAST(:ids AS bigint[]))"), params)
    conn.execute(text(MISMATCHES.format(where="r.id = ANY(CAST(:ids AS bigint[]))")), params)
    aggregates.refresh_reports(conn, ids)
    conn.execute(text("DELETE FROM derived_reports WHERE report_id = ANY(CAST(:ids AS bigint[]))"), params)
    conn.execute(
        text(
            "INSERT INTO derived_reports (report_id, slug, figures_digest)"
            " SELECT * FROM unnest(CAST(:i AS bigint[]), CAST(:s AS text[]), CAST(:d AS text[]))"
        ),
        {"i": list(digests), "s": [s for s, _ in digests.values()], "d": [d for _, d in digests.values()]},
    )


def snapshot(conn: Connection, slugs: list[str]) -> None:
    """Before a load rewrites or removes the reports with these slugs: the lines of their figures
    (figures.FIGURE_LINES), so that refresh_derived recomputes only the keys and pairs of the lines
    that change, not every key the reports have figures in. In the load's transaction."""
    if len(slugs) > FULL_ABOVE:
        return  # refresh_derived recomputes everything: the lines would not be read
    ids = conn.execute(
        text("SELECT id FROM reports WHERE slug = ANY(CAST(:s AS text[]))"), {"s": list(slugs)}
    ).scalars()
    params = {"ids": list(ids)}
    conn.execute(text("DROP TABLE IF EXISTS derived_before, derived_before_ids"))
    conn.execute(text(BEFORE), params)
    conn.execute(text(BEFORE_IDS), params)


def _refresh_keys(conn: Connection, ids: list[int], gone: list, derived: set[int]) -> None:
    """Recompute conflict_groups, series_rows and target_results for every key and (indicator, region
    code) pair the reports with these ids change: for reports whose figure lines were taken before
    the load (snapshot), or new to the kept tables (not in `derived`), the keys of the lines that
    differ; for any other, every key and pair they have or had figures in (`gone`: ids and slugs)."""
    taken = conn.execute(text("SELECT to_regclass('pg_temp.derived_before') IS NOT NULL")).scalar()
    precise: set[int] = set()
    if taken:
        covered = set(conn.execute(text("SELECT report_id FROM derived_before_ids")).scalars())
        precise = {i for i in ids if i in covered or i not in derived}
    else:
        conn.execute(text(BEFORE), {"ids": []})  # none taken: every report takes the wide path
    conn.execute(text(CHANGED), {"ids": sorted(precise)})
    rest = {i for i in ids if i not in precise}
    params = {"ids": sorted(rest), "slugs": sorted({slug for i, slug in gone if i in rest})}
    conn.execute(text(AFFECTED), params)
    conn.execute(text("ANALYZE derived_keys"))  # temporary tables get no statistics otherwise
    conn.execute(text(f"DELETE FROM conflict_groups c USING derived_keys k WHERE {SAME_KEY.format(t='c')}"))
    conn.execute(text(SERIES_OF_KEYS))
    conn.execute(text(CANDIDATES_OF_KEYS))
    conn.execute(text(SERIES))
    conn.execute(text("DELETE FROM series_candidates"))
    conn.execute(text(GROUPS.format(source=FIGURES_OF_KEYS)))
    conn.execute(text("DROP TABLE derived_keys"))
    conn.execute(text(AFFECTED_PAIRS), params)
    conn.execute(text("ANALYZE derived_pairs"))
    conn.execute(text(TARGETS_OF_PAIRS))
    conn.execute(text(TARGETS.format(source=FIGURES_OF_PAIRS)))
    conn.execute(text("DROP TABLE derived_pairs, derived_changed"))
