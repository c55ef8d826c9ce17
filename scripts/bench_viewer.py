"""Time the viewer's pages through the real application, in-process, against a given database.

Each page is requested N times through the ASGI app (`app.web.app.create_app`), exactly as uvicorn
would call it: routing, one READ ONLY transaction as povertydb_readers, the queries and the template.
Only the socket is missing. Prints the median and 95th percentile per page and the issue's targets
(article page < 200 ms; figures page with filters < 1 s at 10 million figures).

    DATABASE_URL=postgresql://... python scripts/bench_viewer.py -n 30
    python scripts/bench_viewer.py --database-url postgresql://... --inflate 1000000

--inflate M first grows the database to about M figures, cheaply: copies of the existing reports
under new slugs, each carrying ten copies of every observation of its original (same evidence
span, so spans stay valid), moved to a random pre-reform province and a period shifted by up to
nine years. It writes to the database: use a throwaway one.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import importlib.util
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, text

from app.db import make_engine
from app.readers import READER_GROUP
from app.web.access import ensure_reader_group
from app.web.app import create_app

ARTICLE_TARGET, FIGURES_TARGET = 0.200, 1.0
COPIES_PER_OBSERVATION = 10


async def _get(app, path: str, keep=None) -> tuple[int, int]:
    """GET `path` through the ASGI app; (status, body bytes). `keep` receives the body's chunks."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    status, size = 0, 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))
            if keep is not None:
                keep(message.get("body", b""))

    await app(scope, receive, send)
    return status, size


def inflate(engine, target: int) -> None:
    """Grow analytics.figures to about `target` rows with copies of the existing reports."""
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM observations")).scalar_one()
        per_copy = conn.execute(
            text(
                "SELECT count(*) FROM observations o JOIN reports r ON r.id = o.report_id"
                " WHERE r.slug !~ '-x[0-9]+$'"
            )
        ).scalar_one()
        copies = max(0, (target - have) // (per_copy * COPIES_PER_OBSERVATION))
        if not copies:
            return
        report_cols = [
            c
            for c in conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                    " AND table_name = 'reports' AND column_name NOT IN ('id', 'slug', 'source_file')"
                    " ORDER BY ordinal_position"
                )
            ).scalars()
        ]
        obs_cols = [
            c
            for c in conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                    " AND table_name = 'observations' AND column_name NOT IN"
                    " ('id', 'report_id', 'fact_key', 'region_id', 'period_start', 'period_end',"
                    "  'baseline_period_start', 'baseline_period_end') ORDER BY ordinal_position"
                )
            ).scalars()
        ]
        start = conn.execute(text("SELECT count(*) FROM reports WHERE slug ~ '-x[0-9]+$'")).scalar_one()
        print(
            f"inflating: {copies} copies x {per_copy} observations x {COPIES_PER_OBSERVATION}",
            file=sys.stderr,
        )
        cols = ", ".join(report_cols)
        conn.execute(
            text(f"""
            INSERT INTO reports (slug, source_file, {cols})
            SELECT r.slug || '-x' || n, r.source_file || '#x' || n, {", ".join("r." + c for c in report_cols)}
            FROM reports r, generate_series(CAST(:a AS int), CAST(:b AS int)) n WHERE r.slug !~ '-x[0-9]+$'
        """),
            {"a": start + 1, "b": start + copies},
        )
        ocols = ", ".join(obs_cols)
        conn.execute(
            text(f"""
            WITH provinces AS (
                SELECT array_agg(id ORDER BY id) AS ids FROM regions
                WHERE level = 'province' AND valid_from IS NULL
            )
            INSERT INTO observations (report_id, fact_key, region_id, period_start, period_end,
                                      baseline_period_start, baseline_period_end, {ocols})
            SELECT c.id, o.fact_key || '-c' || k,
                   p.ids[1 + floor(random() * array_length(p.ids, 1))::int],
                   o.period_start - make_interval(years => s), o.period_end - make_interval(years => s),
                   o.baseline_period_start - make_interval(years => s),
                   o.baseline_period_end - make_interval(years => s),
                   {", ".join("o." + c for c in obs_cols)}
            FROM reports c
            JOIN reports r ON c.slug ~ ('^' || r.slug || '-x[0-9]+$') AND r.slug !~ '-x[0-9]+$'
            JOIN observations o ON o.report_id = r.id
            CROSS JOIN provinces p
            CROSS JOIN generate_series(1, CAST(:k AS int)) k
            CROSS JOIN LATERAL (SELECT ((k + c.id) % 10)::int AS s) shift
            WHERE c.id > (SELECT max(id) FROM reports) - CAST(:copies AS int) * (SELECT count(*) FROM reports
                                                                    WHERE slug !~ '-x[0-9]+$')
        """),
            {"k": COPIES_PER_OBSERVATION, "copies": copies},
        )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


FILTERS = {  # one value per filter of the figures page; every combination is timed
    "indicator": "poor_household_rate",
    "region": "06",  # Tỉnh Bắc Kạn before the reform, with Tỉnh Thái Nguyên (19) after it
    "year": "2023",
    "status": "actual",
}
DEEP = "2019-01-01~indicator~9223372036854775807"  # a cursor deep into the list: the first 2019 figure


def _cases(engine, slug: str | None) -> list[tuple[str, str, float]]:
    with engine.connect() as conn:
        # Estimated (pg_class): an exact count(*) of 10 million figures takes seconds.
        figures = conn.execute(
            text(
                "SELECT sum(reltuples)::bigint FROM pg_class"
                " WHERE oid IN ('observations'::regclass, 'funding'::regclass)"
            )
        ).scalar_one()
        slug = (
            slug
            or conn.execute(
                text(
                    "SELECT report_slug FROM analytics.reports WHERE report_slug !~ '-x[0-9]+$'"
                    " ORDER BY figure_count DESC, report_slug LIMIT 1"
                )
            ).scalar_one()
        )
        middle = conn.execute(
            text(
                "SELECT published_on::text || '~' || report_slug FROM analytics.reports"
                " WHERE published_on IS NOT NULL ORDER BY published_on, report_slug"
                " LIMIT 1 OFFSET (SELECT count(*) / 2 FROM reports)"
            )
        ).scalar_one()
    print(f"about {figures} figures; article: {slug}", file=sys.stderr)
    cases = [
        ("article", f"/reports/{slug}", ARTICLE_TARGET),
        ("evidence link (redirect)", f"/evidence/{slug}:x", ARTICLE_TARGET),
        ("reports, first page", "/", FIGURES_TARGET),
        ("reports, from the middle", "/?" + urlencode({"after": middle}), FIGURES_TARGET),
        ("reports, page before the middle", "/?" + urlencode({"before": middle}), FIGURES_TARGET),
    ]
    names = list(FILTERS)
    for mask in range(1 << len(names)):
        chosen = {n: FILTERS[n] for i, n in enumerate(names) if mask >> i & 1}
        label = "+".join(chosen) or "no filter"
        cases.append((f"figures {label}", "/figures?" + urlencode(chosen), FIGURES_TARGET))
        if "year" not in chosen:  # a year ends before DEEP's period; without one, page deep into 2019
            cases.append(
                (
                    f"figures {label}, from 2019",
                    "/figures?" + urlencode({**chosen, "after": DEEP}),
                    FIGURES_TARGET,
                )
            )
    cases += [
        (
            "figures region, exact unit",
            "/figures?" + urlencode({"region": "06", "exact": "1"}),
            FIGURES_TARGET,
        ),
        ("figures funding_planned", "/figures?indicator=funding_planned", FIGURES_TARGET),
        (
            "figures funding_planned+status target",
            "/figures?indicator=funding_planned&status=target",
            FIGURES_TARGET,
        ),
        (
            "figures indicator+status expected",
            "/figures?indicator=poor_household_rate&status=expected",
            FIGURES_TARGET,
        ),
        # A known slow case: no figure overlaps the year, so the walk reads back through every older one.
        ("figures year with no figures (2030)", "/figures?year=2030", FIGURES_TARGET),
        ("conflicts", "/conflicts", FIGURES_TARGET),
        (
            "series",
            "/series?" + urlencode({"indicator": FILTERS["indicator"], "region": "06"}),
            FIGURES_TARGET,
        ),
    ]
    return cases


async def _next_pages(app, cases):
    """For each figures and reports case, the next page too: its URL is the page's next link."""
    out = []
    for name, path, target in cases:
        out.append((name, path, target))
        if (path.startswith("/figures") and "after=" not in path) or path == "/":
            body = await _get_body(app, path)
            match = re.search(r'rel="next" href="([^"]+)"', body)
            if match:
                out.append((f"{name}, next page", html.unescape(match.group(1)), target))
    return out


async def _get_body(app, path: str) -> str:
    chunks = []
    await _get(app, path, chunks.append)
    return b"".join(chunks).decode()


async def _run(app, cases, n: int) -> list[tuple[str, float, float, float, int]]:
    results = []
    for name, path, target in cases:
        for _ in range(2):  # warm the pool and the caches
            await _get(app, path)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            status, _ = await _get(app, path)
            times.append(time.perf_counter() - t0)
            if status not in (200, 303):
                raise SystemExit(f"{path} answered {status}")
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append((name, statistics.median(times), p95, target, path))
    return results


TEMP_VIEWS = ("figures", "indicators", "regions", "figure_keys")


def use_temp_views(engine) -> bool:
    """Migration 0010's views, as temporary views of each connection, and the viewer's SQL pointed
    at them: the same plans as after the migration, without altering the database. Where the reader
    group does not exist, it is not created either: requests then run as the connecting role (still
    READ ONLY). True when the reader group is used."""
    with engine.connect() as conn:
        group = conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = :g"), {"g": READER_GROUP})
        has_group = bool(group.scalar_one())
    engine.dispose()  # that connection has no temporary views: every pooled one must
    spec = importlib.util.spec_from_file_location(
        "revision_0010", Path(__file__).parents[1] / "migrations/versions/0010_viewer_indexes.py"
    )
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    bodies = [
        revision._figures(True),
        revision._indicators(True),
        revision._regions(True),
        revision.FIGURE_KEYS,
    ]
    bodies = [re.sub(r"CREATE (OR REPLACE )?VIEW analytics\.", "CREATE TEMP VIEW ", b) for b in bodies]
    names = re.compile(r"\banalytics\.(" + "|".join(TEMP_VIEWS) + r")\b")

    @event.listens_for(engine, "connect")
    def _create(dbapi_connection, _record):
        with dbapi_connection.cursor() as cur:
            for body in bodies:
                cur.execute(body)
            for name in TEMP_VIEWS if has_group else ():
                cur.execute(f"GRANT SELECT ON pg_temp.{name} TO {READER_GROUP}")
        dbapi_connection.commit()

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _point(_conn, _cursor, statement, parameters, _context, _many):
        statement = names.sub(r"pg_temp.\1", statement)
        if not has_group:
            statement = statement.replace(f"SET LOCAL ROLE {READER_GROUP}", "SET LOCAL ROLE NONE")
        return statement, parameters

    return has_group


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("-n", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--slug", help="the article to time (default: the seed report with most figures)")
    parser.add_argument("--inflate", type=int, metavar="M", help="first grow the database to ~M figures")
    parser.add_argument("--out", help="also write the table to this file")
    parser.add_argument("--only", help="time only the pages whose name matches this regular expression")
    parser.add_argument(
        "--temp-views",
        action="store_true",
        help="a database at revision 0008/0009 that may not be migrated (someone else's): give each"
        " connection migration 0010's views as temporary views and point the viewer's SQL at them;"
        " 0010's indexes must exist already (CREATE INDEX CONCURRENTLY, same names)",
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    engine = make_engine(args.database_url)
    as_readers = use_temp_views(engine) if args.temp_views else True
    if args.inflate:
        inflate(engine, args.inflate)
    if as_readers:
        ensure_reader_group(engine)
    else:
        print(f"no {READER_GROUP} here: requests run as the connecting role, READ ONLY", file=sys.stderr)
    app = create_app(engine)
    cases = _cases(engine, args.slug)
    if args.only:
        cases = [c for c in cases if re.search(args.only, c[0])]
    cases = asyncio.run(_next_pages(app, cases))
    results = asyncio.run(_run(app, cases, args.n))
    lines = [f"{'page':58} {'median ms':>10} {'p95 ms':>8} {'target ms':>10}"]
    slow = 0
    for name, median, p95, target, _path in results:
        mark = "" if p95 < target else "  SLOW"
        slow += bool(mark)
        lines.append(f"{name:58} {median * 1000:10.1f} {p95 * 1000:8.1f} {target * 1000:10.0f}{mark}")
    lines.append(f"\n{len(results)} pages, {args.n} requests each after 2 warm-ups; {slow} over target (p95)")
    lines += ["", "URLs:"] + [f"  {name}: {path}" for name, _m, _p, _t, path in results]
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    engine.dispose()
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
