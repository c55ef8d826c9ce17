"""Benchmark loads of a synthetic corpus of N articles made from the seeds.

Each seed article is copied under a new file name and slug. Measures, on fresh databases:
first load, no-op reload, one-edit reload, peak RSS of the loader (every process of it), the
first load on 1 worker against 2, and the loader's database part against a raw COPY of the same
rows into tables with the same indexes and constraints. Prints the figures and their ratios;
asserts nothing (timings are no tests).

    python scripts/bench_scale.py -n 2000 [--repeat 1] [--skip-workers]

Runs on DATABASE_URL's (or TEST_DATABASE_URL's) server, else on a temporary embedded server.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from app.db import embedded_server  # noqa: E402

SEEDS = PROJECT_ROOT / "seeds"
COPIED_TABLES = ("reports", "observations", "funding", "positions", "statements")


def make_corpus(target: Path, n: int) -> Path:
    """seeds/ with articles/ holding `n` copies of the seed articles, each its own file and slug."""
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("articles"))
    articles = target / "articles"
    articles.mkdir()
    seeds = sorted((SEEDS / "articles").glob("*.yaml"))
    texts = {p: p.with_suffix(".txt").read_bytes() for p in seeds}
    mappings = {p: p.read_text(encoding="utf-8") for p in seeds}
    for i in range(n):
        seed = seeds[i % len(seeds)]
        stem = f"{i:06d}_{seed.stem}"
        (articles / f"{stem}.txt").write_bytes(texts[seed])
        mapping = re.sub(r"(?m)^(  slug: )(\S+)$", rf"\g<1>\g<2>-{i:06d}", mappings[seed], count=1)
        (articles / f"{stem}.yaml").write_text(mapping, encoding="utf-8")
    return target


@contextlib.contextmanager
def server_url():
    url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # as root the server runs as a system user, which must enter it
        with embedded_server(Path(tmp) / "pgdata") as url:
            yield url


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def fresh_database(server: str):
    name = f"povertydb_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/?]*(\?|$)", rf"/{name}\1", server.split("://", 1)[1], count=1)
    url = server.split("://", 1)[0] + "://" + url
    try:
        yield url
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _tree_rss_kb(pid: int) -> int:
    """Resident set of a process and all its descendants (Linux /proc), in KB."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                pids.extend(int(c) for c in children)
    return total


def load(url: str, seeds: Path, *args: str) -> tuple[float, float, str]:
    """Run `povertydb load-seeds`; return (seconds, peak RSS of its process tree in MB, output)."""
    exe = Path(sys.executable).with_name("povertydb")
    env = {**os.environ, "DATABASE_URL": url}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "load-seeds", "--seeds-dir", str(seeds), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - began
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"load-seeds failed:\n{out}")
    return seconds, peak[0] / 1024, out


def database_part(url: str) -> float:
    """Seconds of the last run's transaction: from its run row to its finish (load_runs)."""
    with psycopg.connect(_libpq(url)) as conn:
        (seconds,) = conn.execute(
            "SELECT extract(epoch FROM finished_at - started_at) FROM load_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return float(seconds)


def raw_copy(url: str) -> float:
    """COPY the loaded rows of the report and fact tables into empty tables LIKE them (same
    indexes, CHECKs, NOT NULLs and defaults); seconds of the COPYs alone."""
    seconds = 0.0
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("CREATE SCHEMA bench_raw")
        for table in COPIED_TABLES:
            buffer = io.BytesIO()
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            conn.execute(f"CREATE TABLE bench_raw.{table} (LIKE public.{table} INCLUDING ALL)")
            conn.commit()
            began = time.perf_counter()
            with conn.cursor().copy(f"COPY bench_raw.{table} FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            conn.commit()
            seconds += time.perf_counter() - began
        conn.execute("DROP SCHEMA bench_raw CASCADE")
        conn.commit()
    return seconds


def edit_one(seeds: Path) -> None:
    """Change one figure's status in the first article (a real change of one row)."""
    path = sorted((seeds / "articles").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# edited by bench_scale\n", encoding="utf-8")


def bench(n: int, repeat: int, workers: bool) -> dict[str, float]:
    figures: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        figures.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp, server_url() as server:
        seeds = make_corpus(Path(tmp) / "seeds", n)
        for _ in range(repeat):
            with fresh_database(server) as url:
                first, rss, _ = load(url, seeds, "--workers", "2")
                note("first load (2 workers) s", first)
                note("peak RSS MB", rss)
                note("first load: database part s", database_part(url))
                note("raw COPY of the same rows s", raw_copy(url))
                noop, rss, out = load(url, seeds)
                assert "No changes" in out, out
                note("no-op reload s", noop)
                note("peak RSS MB", rss)
                edit_one(seeds)
                edit, rss, _ = load(url, seeds)
                note("one-edit reload s", edit)
                note("peak RSS MB", rss)
            if workers:
                with fresh_database(server) as url:
                    note("first load (1 worker) s", load(url, seeds, "--workers", "1")[0])
    result = {k: (max(v) if k == "peak RSS MB" else statistics.median(v)) for k, v in figures.items()}
    first = result["first load (2 workers) s"]
    result["no-op / first"] = result["no-op reload s"] / first
    result["one-edit / first"] = result["one-edit reload s"] / first
    result["raw COPY / database part (speed)"] = (
        result["raw COPY of the same rows s"] / result["first load: database part s"]
    )
    if "first load (1 worker) s" in result:
        result["2-worker speed-up"] = result["first load (1 worker) s"] / first
    return result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="articles in the corpus (default 500)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; medians are printed")
    parser.add_argument("--skip-workers", action="store_true", help="skip the 1-worker first load")
    parser.add_argument("--figures", type=int, help="also: M figures, query latencies")
    args = parser.parse_args(argv)
    result = bench(args.n, args.repeat, not args.skip_workers)
    print(f"N = {args.n} articles, {args.repeat} run(s), {os.cpu_count()} cores")
    for key, value in result.items():
        print(f"  {key:<36} {value:10.3f}")
    print(f"  (self max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    if args.figures:  # the query latencies at M figures: scripts/bench_queries.py does the work
        from bench_queries import bench as bench_queries

        with server_url() as server:
            bench_queries(server, args.figures, out=Path(f"docs/bench/queries-{args.figures}.txt"))
    return result


if __name__ == "__main__":
    main()
