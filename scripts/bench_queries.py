"""Inflate a database to M figures from the seeds, then time the analyst queries on it.

Set-based and fast: every synthetic report copies one seed report (text, statements, positions)
under a new slug, and its figures COPIES times, each copy moved to a random gazetteer region of the
same level and a random year of 2015-2025, its value scaled (or not, so that some sources agree).
Spans stay valid: offsets and words are the seed's, and so is the text. About 55 figures a report
(200,000 reports near M = 10,000,000). Times every worked query of queries/ and a full
`SELECT * FROM analytics.<view>` (streamed to the end), and the small answers; median and p95 of
--runs runs. Writes the table and EXPLAIN (ANALYZE, BUFFERS) of each worked query and small answer
to --out.

    python scripts/bench_queries.py --url postgresql://postgres@127.0.0.1:5432/postgres \
        --figures 1000000 --out docs/bench/queries-1M.txt

Prints what it measures; asserts nothing (timings are no tests).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.load.derived import refresh_derived
from app.load.seeds import load_seeds
from app.settings import PROJECT_ROOT

COPIES = 4  # copies of its seed report's figures in one synthetic report
# Each view with its natural key: a whole 10M-row view cannot stream in 1 s, so the report gives the
# first 1,000 rows in that order (what a reader or a BI tool's preview fetches) and the whole view.
VIEWS = {
    "figures": "report_slug",
    "funding": "report_slug",
    "statements": "report_slug",
    "officials": "report_slug",
    "conflicts": "indicator_code, region_code",
    "reports": "report_slug",
    "series": "indicator_code, region_code, period_start",
    "span_mismatches": "fact_id",
    "targets_against_results": "indicator_code, region_code",
    "program_totals": "program_code",
    "funding_totals": "region_code",
}
TIMEOUT_S = 60  # the readers' default statement timeout

# One synthetic report per row of `synthetic`: seed report n % 5, slug <seed>-x<n>.
INFLATE = """
CREATE TEMP TABLE seed AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM reports;
CREATE TEMP TABLE synthetic AS
SELECT n, s.id AS seed_id, s.slug || '-x' || n AS slug
FROM generate_series(1, %(reports)s) n JOIN seed s ON s.k = n %% (SELECT count(*) FROM seed);
INSERT INTO load_runs (status, code_version, finished_at) VALUES ('succeeded', 'bench-inflate', now());
INSERT INTO reports (slug, source_file, text, sha256, title, publisher, author, published_as_printed,
                     published_on, url, body_start, body_end, regions_valid_on, mapping_sha256,
                     drafted_by, reviewed, load_checksum, load_run_id)
SELECT x.slug, 'synthetic/' || x.slug || '.txt', r.text, r.sha256, r.title, r.publisher, r.author,
       r.published_as_printed, make_date(2015 + x.n %% 11, 1 + x.n %% 12, 1 + x.n %% 28), r.url,
       r.body_start, r.body_end, r.regions_valid_on, r.mapping_sha256, r.drafted_by, r.reviewed, NULL,
       (SELECT max(id) FROM load_runs)
FROM synthetic x JOIN reports r ON r.id = x.seed_id;
CREATE TEMP TABLE target AS
SELECT x.n, x.seed_id, r.id AS report_id FROM synthetic x JOIN reports r ON r.slug = x.slug;
CREATE TEMP TABLE by_level AS
SELECT level, row_number() OVER (PARTITION BY level ORDER BY id) - 1 AS k, id FROM regions
WHERE valid_from IS NULL OR level IN ('country', 'macro_region');
CREATE TEMP TABLE level_size AS SELECT level, count(*) AS size FROM by_level GROUP BY level;
CREATE TEMP TABLE copy AS
SELECT t.report_id, t.seed_id, j, random() AS pick, 2015 + floor(random() * 11)::int AS year,
       -- Most reports repeat the official figure; 1 copy in 25 is 10 percent off: sources disagree.
       CASE WHEN random() < 0.04 THEN (ARRAY[0.9, 1.1])[1 + floor(random() * 2)::int] ELSE 1 END::numeric
           AS factor
FROM target t CROSS JOIN generate_series(1, %(copies)s) j;
SET session_replication_role = replica;  -- no FK triggers while inflating: rows come from valid ones
INSERT INTO observations (report_id, fact_key, char_start, char_end, evidence_text, confidence,
    review_note, load_run_id, indicator_id, unit, measure, region_id, program_id, period_start,
    period_end, baseline_period_start, baseline_period_end, value, value_high, qualifier, status)
SELECT c.report_id, o.fact_key || '~' || c.j, o.char_start, o.char_end, o.evidence_text, o.confidence,
       o.review_note, o.load_run_id, o.indicator_id, o.unit, o.measure, b.id, o.program_id,
       o.period_start + make_interval(years => c.year - extract(year FROM o.period_start)::int),
       o.period_end + make_interval(years => c.year - extract(year FROM o.period_start)::int),
       o.baseline_period_start + make_interval(years => c.year - extract(year FROM o.period_start)::int),
       o.baseline_period_end + make_interval(years => c.year - extract(year FROM o.period_start)::int),
       o.value * f.factor, o.value_high * f.factor, o.qualifier, o.status
FROM copy c
JOIN observations o ON o.report_id = c.seed_id
JOIN regions g ON g.id = o.region_id
JOIN level_size ls ON ls.level = g.level
JOIN by_level b ON b.level = g.level
               AND b.k = (hashint8(c.report_id * 1000 + c.j * 100 + o.id)::bigint + 2147483648) %% ls.size
CROSS JOIN LATERAL (SELECT CASE WHEN o.measure = 'level' AND o.unit = 'percent'
                                 AND greatest(o.value, o.value_high) * c.factor > 100
                                THEN 1 ELSE c.factor END AS factor) f;
INSERT INTO funding (report_id, fact_key, char_start, char_end, evidence_text, confidence, review_note,
    load_run_id, program_id, region_id, period_start, period_end, amount_vnd, amount_high_vnd,
    qualifier, status, funding_source, purpose)
SELECT c.report_id, f.fact_key || '~' || c.j, f.char_start, f.char_end, f.evidence_text, f.confidence,
       f.review_note, f.load_run_id, f.program_id, b.id,
       f.period_start + make_interval(years => c.year - extract(year FROM f.period_start)::int),
       f.period_end + make_interval(years => c.year - extract(year FROM f.period_start)::int),
       round(f.amount_vnd * c.factor), round(f.amount_high_vnd * c.factor), f.qualifier, f.status,
       f.funding_source, f.purpose
FROM copy c
JOIN funding f ON f.report_id = c.seed_id
JOIN regions g ON g.id = f.region_id
JOIN level_size ls ON ls.level = g.level
JOIN by_level b ON b.level = g.level
               AND b.k = (hashint8(c.report_id * 1000 + c.j * 100 + f.id)::bigint + 2147483648) %% ls.size;
INSERT INTO positions (person_id, report_id, title, organization, region_id, load_run_id)
SELECT p.person_id, t.report_id, p.title, p.organization, p.region_id, p.load_run_id
FROM target t JOIN positions p ON p.report_id = t.seed_id;
INSERT INTO statements (report_id, fact_key, char_start, char_end, evidence_text, confidence,
    review_note, load_run_id, person_id, region_id, kind)
SELECT t.report_id, s.fact_key, s.char_start, s.char_end, s.evidence_text, s.confidence, s.review_note,
       s.load_run_id, s.person_id, s.region_id, s.kind
FROM target t JOIN statements s ON s.report_id = t.seed_id;
SET session_replication_role = origin;
"""

SMALL = {
    "one region, one indicator": "SELECT * FROM analytics.figures"
    " WHERE region_code = '06' AND indicator_code = 'poor_household_rate'",
    "one report's facts": "SELECT * FROM analytics.figures WHERE report_slug ="
    " (SELECT slug FROM reports WHERE slug LIKE 'tnmt-bac-kan-2023-results-x%' ORDER BY id DESC LIMIT 1)",
    "conflicts of one indicator": "SELECT * FROM analytics.conflicts"
    " WHERE indicator_code = 'poor_households'",
    "conflicts of one indicator in one province": "SELECT * FROM analytics.conflicts"
    " WHERE indicator_code = 'poor_households' AND region_code = '06'",
    "a province's series": "SELECT * FROM analytics.series WHERE region_code = '06'",
}


def stream(conn: psycopg.Connection, sql: str) -> tuple[float, int]:
    """Seconds to run `sql` and stream every row to the client (COPY, no per-row decoding in
    Python, which would measure Python), and the row count."""
    began = time.perf_counter()
    rows = 0
    with conn.cursor() as cur, cur.copy(f"COPY ({sql.strip().rstrip(';')}) TO STDOUT") as copy:
        for block in copy:
            rows += bytes(block).count(b"\n")
    return time.perf_counter() - began, rows


def measure(conn: psycopg.Connection, sql: str, runs: int) -> tuple[float, float, int]:
    """Median and p95 of `runs` runs; a run over 10 s is not repeated, one over TIMEOUT_S is cancelled
    (reported as infinite)."""
    times, rows = [], 0
    for _ in range(runs):
        try:
            seconds, rows = stream(conn, sql)
        except psycopg.errors.QueryCanceled:
            return float("inf"), float("inf"), -1
        times.append(seconds)
        if seconds > 10:
            break
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, rows


def time_refresh(url: str, full: bool = True, reports: tuple[int, ...] = (1, 10), runs: int = 3) -> list[str]:
    """Seconds of a full recompute of the kept tables (committed) and of the incremental refresh for
    1 and 10 changed reports (median of `runs`, each rolled back: the same work as a load's)."""
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    lines = []
    if full:
        began = time.perf_counter()
        with engine.begin() as conn:
            refresh_derived(conn, None)
        lines.append(f"full recompute of the kept tables: {time.perf_counter() - began:.1f} s")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    for n in reports:
        times = []
        for run in range(runs):
            with engine.connect() as conn:
                ids = [
                    row[0]
                    for row in conn.exec_driver_sql(
                        f"SELECT id FROM reports ORDER BY hashint8(id + {run}) LIMIT {n}"
                    )
                ]
                conn.rollback()
                began = time.perf_counter()
                with conn.begin() as tx:
                    refresh_derived(conn, ids)
                    times.append(time.perf_counter() - began)
                    tx.rollback()
        lines.append(
            f"incremental refresh, {n} changed report(s): median {statistics.median(times):.3f} s"
            f" (runs: {', '.join(f'{t:.3f}' for t in times)})"
        )
    engine.dispose()
    return lines


def bench(
    admin: str,
    figures: int,
    runs: int = 5,
    out: Path | None = None,
    *,
    reuse: bool = False,
    explain_only: bool = False,
    build_only: bool = False,
    refresh: bool = False,
) -> list[str]:
    """Inflate a database to `figures` figures on the server of `admin` (or reuse it), time the worked
    queries and views, and write the report to `out`; the report's lines. scripts/bench_scale.py
    --figures calls this."""
    admin = admin.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"povertydb_bench_q{figures}"
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    log: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        log.append(line)

    if not reuse:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        load_seeds(engine, PROJECT_ROOT / "seeds")
        reports = max(1, round(figures / (COPIES * 69 / 5)))  # the seeds hold 69 figures
        began = time.perf_counter()
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            for statement in filter(str.strip, INFLATE.split(";\n")):
                raw.execute(statement, {"reports": reports, "copies": COPIES})
        say(f"inflated to {reports} synthetic reports in {time.perf_counter() - began:.0f} s")
        engine.dispose()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        if build_only:
            return log
        refresh = True
    if refresh:
        for line in time_refresh(url):
            say(line)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET statement_timeout = '{TIMEOUT_S}s'")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM observations)"
            " + (SELECT count(*) FROM funding), (SELECT count(*) FROM statements),"
            " (SELECT count(*) FROM conflict_groups), pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
        say(
            f"reports {counts[0]}, figures {counts[1]}, statements {counts[2]}, "
            f"conflict groups {counts[3]}, database {counts[4]}"
        )
        cases = {
            p.stem: p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "queries").glob("*.sql"))
        }
        views = {
            f"analytics.{v}, first 1,000 by {key}": f"SELECT * FROM analytics.{v} ORDER BY {key} LIMIT 1000"
            for v, key in VIEWS.items()
        }
        views |= {f"analytics.{v}, whole view": f"SELECT * FROM analytics.{v}" for v in VIEWS}
        if not explain_only:
            say("\n| query | rows | median s | p95 s |\n|---|---|---|---|")
            for label, sql in (cases | views).items():
                median, p95, rows = measure(conn, sql, runs)
                say(f"| {label} | {rows} | {median:.3f} | {p95:.3f} |")
            say("\n| small answer | rows | median ms | p95 ms |\n|---|---|---|---|")
            for label, sql in SMALL.items():
                median, p95, rows = measure(conn, sql, runs)
                say(f"| {label} | {rows} | {median * 1000:.1f} | {p95 * 1000:.1f} |")
        explain = []
        for label, sql in (cases | {f"small answer: {k}": v for k, v in SMALL.items()}).items():
            try:
                plan = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").fetchall()
            except psycopg.errors.QueryCanceled:  # past the timeout: the plan without its run
                plan = [(f"(cancelled after {TIMEOUT_S} s; plan without ANALYZE)",)]
                plan += conn.execute(f"EXPLAIN {sql}").fetchall()
            explain.append(f"\n=== {label}\n" + "\n".join(row[0] for row in plan))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(log) + "\n\nEXPLAIN (ANALYZE, BUFFERS)\n" + "\n".join(explain) + "\n")
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="admin URL of the server to create the database on")
    parser.add_argument("--figures", type=int, default=100_000, help="M, figures to reach (default 100000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="report file (table and EXPLAIN output)")
    parser.add_argument("--reuse", action="store_true", help="time an inflated database left by a run")
    parser.add_argument("--explain-only", action="store_true", help="with --reuse: only the EXPLAIN output")
    parser.add_argument("--build-only", action="store_true", help="inflate only: no refresh, no timings")
    parser.add_argument(
        "--refresh", action="store_true", help="with --reuse: time the full and incremental refresh"
    )
    args = parser.parse_args()
    bench(
        args.url,
        args.figures,
        args.runs,
        args.out,
        reuse=args.reuse,
        explain_only=args.explain_only,
        build_only=args.build_only,
        refresh=args.refresh,
    )


if __name__ == "__main__":
    main()
