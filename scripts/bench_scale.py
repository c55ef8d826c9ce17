"""Benchmark loads of a synthetic corpus of N articles made from the seeds.

Each seed article is copied under a new file name and slug. Measures, on fresh databases:
first load, no-op reload, one-edit reloads (a comment, then a figure), peak RSS of the loader
(every process of it), the first load on 1 core against 2, and the loader's database part
against a raw COPY of the same rows into tables with the same indexes and constraints. Prints
the figures and their ratios; asserts nothing (timings are no tests).

The 1-core load runs the loader and (on the bench's own embedded server) the server's processes
pinned to one CPU (sched_setaffinity); the loader's default worker count follows the affinity.
On an external server (DATABASE_URL) the server cannot be pinned: the output says so.

    python scripts/bench_scale.py -n 2000 [--repeat 1] [--skip-workers]

Runs on DATABASE_URL's (or TEST_DATABASE_URL's) server, else on a temporary embedded server.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
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
_EMBEDDED: dict[str, Path] = {}  # "pgdata": the data directory of the server the bench started
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
            _EMBEDDED["pgdata"] = Path(tmp) / "pgdata"
            try:
                yield url
            finally:
                _EMBEDDED.pop("pgdata", None)


def _server_pids() -> list[int]:
    """The bench's own embedded server: its postmaster and every process it runs now (new
    backends inherit the postmaster's affinity); [] on an external server."""
    pgdata = _EMBEDDED.get("pgdata")
    if pgdata is None:
        return []
    return _tree_pids(int((pgdata / "postmaster.pid").read_text().split()[0]))


@contextlib.contextmanager
def one_core():
    """Pin this process (so the loader it starts, and its workers) and the bench's embedded
    server to one CPU, and restore their affinity afterwards. Yields whether the server is pinned."""
    mine = os.sched_getaffinity(0)
    cpu = {min(mine)}
    server = {pid: os.sched_getaffinity(pid) for pid in _server_pids()}
    os.sched_setaffinity(0, cpu)
    for pid in server:
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(pid, cpu)
    try:
        yield bool(server)
    finally:
        os.sched_setaffinity(0, mine)
        for pid, cpus in server.items():
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(pid, cpus)
        for pid in _server_pids():  # backends started meanwhile inherited the one CPU
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(pid, mine)


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


def _tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process tree in KB. The sum of RSS counts every page shared by the loader
    and its workers (the interpreter, libraries) once per process; PSS divides each shared page
    among the processes that map it, so its sum is the tree's real share of memory."""
    rss = pss = 0
    for p in _tree_pids(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return rss, pss


def _load_average() -> float:
    return os.getloadavg()[0]


def load(url: str, seeds: Path, *args: str) -> tuple[float, float, str]:
    """Run `povertydb load-seeds`; return (seconds, peak RSS of its process tree in MB, output)."""
    seconds, memory, out, _ = load_measured(url, seeds, *args)
    return seconds, memory["rss"], out


def load_measured(url: str, seeds: Path, *args: str) -> tuple[float, dict, str, dict]:
    """Run `povertydb load-seeds`; return its seconds, the peaks of its process tree's memory
    ({"rss": MB, "pss": MB}, sampled every 0.1 s), its output, and its seconds by part
    (POVERTYDB_TIMINGS: stage, apply, report_and_facts, derived, total)."""
    exe = Path(sys.executable).with_name("povertydb")
    timings = Path(tempfile.mkstemp(prefix="bench-timings-", suffix=".json")[1])
    env = {**os.environ, "DATABASE_URL": url, "POVERTYDB_TIMINGS": str(timings)}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "load-seeds", "--seeds-dir", str(seeds), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    peak = {"rss": 0, "pss": 0}
    trace = os.environ.get("BENCH_TRACE")  # a file: one line of memory every 5 s (a long run's course)

    def sample() -> None:
        last = 0.0
        while proc.poll() is None:
            rss, pss = _tree_memory_kb(proc.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            if trace and time.perf_counter() - last >= 5:
                last = time.perf_counter()
                with open(trace, "a", encoding="utf-8") as out:
                    out.write(f"{last - began:8.0f} s  rss {rss / 1024:6.0f} MB  pss {pss / 1024:6.0f} MB"
                              f"  peak rss {peak['rss'] / 1024:6.0f}  pss {peak['pss'] / 1024:6.0f}"
                              f"  load {_load_average():5.2f}  {' '.join(args)}\n")  # fmt: skip
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - began
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"load-seeds failed:\n{out}")
    parts = json.loads(timings.read_text() or "{}")
    timings.unlink()
    return seconds, {k: v / 1024 for k, v in peak.items()}, out, parts


# Each table's foreign keys, replaced by the natural keys they point at: two loads may number
# rows differently (ids come from sequences), yet hold the same rows.
_NATURAL = {
    "reports": {},
    "observations": {"report_id": "reports.slug", "indicator_id": "indicators.code",
                     "region_id": "regions.code", "program_id": "programs.code"},
    "funding": {"report_id": "reports.slug", "region_id": "regions.code", "program_id": "programs.code"},
    "positions": {"report_id": "reports.slug", "person_id": "people.key", "region_id": "regions.code"},
    "statements": {"report_id": "reports.slug", "person_id": "people.key", "region_id": "regions.code"},
}  # fmt: skip


def rows_digest(url: str) -> str:
    """One digest of every report and fact row, ids replaced by natural keys: equal digests,
    same rows."""
    digest = hashlib.sha256()
    with psycopg.connect(_libpq(url)) as conn:
        for table in COPIED_TABLES:
            keys = _NATURAL[table]
            joins = " ".join(
                f"LEFT JOIN {ref.split('.')[0]} j{i} ON j{i}.id = t.{col}"
                for i, (col, ref) in enumerate(keys.items())
            )
            natural = ", ".join(
                f"'{col}', j{i}.{ref.split('.')[1]}" for i, (col, ref) in enumerate(keys.items())
            )
            row = f"(to_jsonb(t) - 'id' - 'load_run_id' || jsonb_build_object({natural}))::text"
            rows = f"SELECT {row} AS j FROM {table} t {joins}"
            (part,) = conn.execute(f"SELECT md5(string_agg(j, E'\\n' ORDER BY j)) FROM ({rows}) x").fetchone()
            digest.update(f"{table}:{part}\n".encode())
    return digest.hexdigest()


def database_part(url: str) -> float:
    """Seconds of the last run's transaction: from its run row to its finish (load_runs)."""
    with psycopg.connect(_libpq(url)) as conn:
        (seconds,) = conn.execute(
            "SELECT extract(epoch FROM finished_at - started_at) FROM load_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return float(seconds)


def settle(url: str) -> float:
    """VACUUM (ANALYZE) the loaded database, as autovacuum does within a minute of a bulk load;
    return its seconds. A reload measured while autovacuum works shares the machine with it."""
    began = time.perf_counter()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - began


def raw_copy(url: str) -> float:
    """COPY the loaded rows of the report and fact tables into empty tables LIKE them (same
    indexes, CHECKs, NOT NULLs and defaults) with the same foreign keys: to the loaded reference
    tables (regions, indicators, programs, people, load_runs) and, for facts, to the copied
    reports. Seconds of the COPYs alone (the foreign-key checks included)."""
    seconds = 0.0
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("CREATE SCHEMA bench_raw")
        for table in COPIED_TABLES:
            buffer = io.BytesIO()
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            conn.execute(f"CREATE TABLE bench_raw.{table} (LIKE public.{table} INCLUDING ALL)")
            keys = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                (f"public.{table}",),
            ).fetchall()
            for name, definition in keys:
                definition = re.sub(r"REFERENCES (?:public\.)?(\w+)\(", _referenced, definition)
                conn.execute(f'ALTER TABLE bench_raw.{table} ADD CONSTRAINT "{name}" {definition}')
            conn.commit()
            began = time.perf_counter()
            with conn.cursor().copy(f"COPY bench_raw.{table} FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            conn.commit()
            seconds += time.perf_counter() - began
        conn.execute("DROP SCHEMA bench_raw CASCADE")
        conn.commit()
    return seconds


def _referenced(match: re.Match) -> str:
    """A foreign key of the copy points at the copied reports, and at the real other tables."""
    table = match.group(1)
    return f"REFERENCES {'bench_raw' if table in COPIED_TABLES else 'public'}.{table}("


COMMENT = "\n# edited by bench_scale\n"


def _first_mapping(seeds: Path) -> Path:
    return sorted((seeds / "articles").glob("*.yaml"))[0]


def edit_one(seeds: Path, undo: bool = False) -> None:
    """Edit the first article's mapping (a comment: the file and its checksum change), or undo it,
    so that a later first load reads the corpus it was made as."""
    path = _first_mapping(seeds)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.removesuffix(COMMENT) if undo else text + COMMENT, encoding="utf-8")


FIGURE_EDIT = ("    status: preliminary\n", "    status: actual\n")


def edit_figure(seeds: Path, undo: bool = False) -> None:
    """Change one figure of the first article (a preliminary result made actual), or undo it:
    unlike the comment of edit_one, this changes what the kept tables of its keys hold."""
    path = _first_mapping(seeds)
    text = path.read_text(encoding="utf-8")
    old, new = FIGURE_EDIT[::-1] if undo else FIGURE_EDIT
    assert old in text, f"{path.name}: no {old.strip()!r} to edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_noop_edit(server: str, seeds: Path, note, edit: bool, copy: bool) -> None:
    """First load on 2 workers, its memory and database part, then a no-op reload right after it,
    a VACUUM (ANALYZE), a no-op reload, (with `edit`) the one-edit reloads, and last a raw COPY of
    the same report and fact rows."""
    with fresh_database(server) as url:
        note("load average at first load", _load_average())
        first, memory, _, parts = load_measured(url, seeds, "--workers", "2")
        note("first load (2 workers) s", first)
        note("peak RSS MB", memory["rss"])
        note("peak PSS MB", memory["pss"])
        note("first load: database part s", parts["stage"] + parts["apply"])
        note("first load: report+fact part s", parts["report_and_facts"])
        note("first load: kept views (derived) s", parts["derived"])
        noop, _, out, _ = load_measured(url, seeds)
        assert "No changes" in out, out
        note("no-op reload right after the first load s", noop)
        note("VACUUM (ANALYZE) after the first load s", settle(url))
        noop, memory, out, _ = load_measured(url, seeds)
        assert "No changes" in out, out
        note("no-op reload s", noop)
        note("peak RSS MB", memory["rss"])
        note("peak PSS MB", memory["pss"])
        if edit:
            edit_one(seeds)
            note("load average at one edit", _load_average())
            seconds, memory, _, _ = load_measured(url, seeds)
            note("one-edit reload s", seconds)
            note("peak RSS MB", memory["rss"])
            note("peak PSS MB", memory["pss"])
            edit_one(seeds, undo=True)
            edit_figure(seeds)
            seconds, memory, _, _ = load_measured(url, seeds)
            note("one figure-edit reload s", seconds)
            edit_figure(seeds, undo=True)
        if copy:
            # Last: its writes (and the checkpoint they bring) would otherwise weigh on the reloads.
            note("raw COPY of the same rows s", raw_copy(url))


def _one_against_two_workers(server: str, seeds: Path, note) -> None:
    """First loads on 1 core (the loader and the bench's server pinned to one CPU, the worker
    count left to its default, which follows the affinity) and on 2 workers over every core,
    back to back, and whether they wrote the same rows."""
    digests = {}
    for workers in ("1", "2"):
        with fresh_database(server) as url:
            note(f"load average at {workers}-worker load", _load_average())
            if workers == "1":
                with one_core() as pinned:
                    seconds = load(url, seeds)[0]
                note("1-core load: server pinned too", float(pinned))
            else:
                seconds = load(url, seeds, "--workers", workers)[0]
            note(f"first load ({workers} worker{'s' if workers == '2' else ''}) s", seconds)
            digests[workers] = rows_digest(url)
    note("same rows on 1 and 2 workers", float(digests["1"] == digests["2"]))


def bench(
    n: int, repeat: int, workers: bool, *, edit: bool = True, copy: bool = True, only_workers: bool = False
) -> dict[str, float]:
    figures: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        figures.setdefault(key, []).append(value)
        print(f"  ... {key:<36} {value:10.3f}", flush=True)  # a long run's figures survive a stop

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp, server_url() as server:
        seeds = make_corpus(Path(tmp) / "seeds", n)
        for _ in range(repeat):
            if not only_workers:
                _first_noop_edit(server, seeds, note, edit, copy)
            if workers or only_workers:
                _one_against_two_workers(server, seeds, note)
    result = {k: (max(v) if k.startswith("peak") else statistics.median(v)) for k, v in figures.items()}
    return result | _ratios(result)


def _ratios(result: dict[str, float]) -> dict[str, float]:
    ratios = {}
    first = result.get("first load (2 workers) s")
    if "no-op reload s" in result:
        ratios["no-op / first"] = result["no-op reload s"] / first
    if "no-op reload right after the first load s" in result:
        ratios["no-op right after / first"] = result["no-op reload right after the first load s"] / first
    if "one-edit reload s" in result:
        ratios["one-edit / first"] = result["one-edit reload s"] / first
    if "one figure-edit reload s" in result:
        ratios["one figure-edit / first"] = result["one figure-edit reload s"] / first
    if "raw COPY of the same rows s" in result:
        copy = result["raw COPY of the same rows s"]
        ratios["raw COPY / database part (speed)"] = copy / result["first load: database part s"]
        ratios["raw COPY / report+fact part (speed)"] = copy / result["first load: report+fact part s"]
    if "first load (1 worker) s" in result:
        ratios["2-worker speed-up"] = result["first load (1 worker) s"] / result["first load (2 workers) s"]
    return ratios


def _legend(result: dict[str, float]) -> list[str]:
    """What the figures cover, printed under them."""
    lines = []
    if "raw COPY of the same rows s" in result:
        lines += [
            "database part: the first load's database work (reference tables, people, reports and",
            "  facts, report_files, kept views; not the migration), timed by the loader",
            "report+fact part: the loader's writes of the report and fact rows alone",
            "raw COPY: the same report and fact rows COPYed into empty tables with the same indexes,",
            "  CHECKs, defaults and foreign keys (to the loaded reference tables and copied reports)",
        ]
    if "VACUUM (ANALYZE) after the first load s" in result:
        lines += [
            "no-op right after the first load: while autovacuum may be working on the new rows;",
            "  the other reloads follow a VACUUM (ANALYZE), as a database settles after a bulk load",
        ]
    if "one figure-edit reload s" in result:
        lines += [
            "one edit: a comment added to one mapping (its facts unchanged); one figure edit: one of",
            "  its figures made actual from preliminary, so the kept tables of its keys change",
        ]
    if "1-core load: server pinned too" in result:
        if result["1-core load: server pinned too"]:
            lines.append("1 worker: the loader and the bench's server pinned to one CPU")
        else:
            lines.append("1 worker: the loader pinned to one CPU; the server is external and was NOT pinned")
    return lines


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="articles in the corpus (default 500)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; medians are printed")
    parser.add_argument("--skip-workers", action="store_true", help="skip the 1-worker first load")
    parser.add_argument("--figures", type=int, help="also: M figures, query latencies")
    parser.add_argument("--memory", action="store_true", help="first load and no-op only (large N)")
    parser.add_argument("--workers-only", action="store_true", help="1- against 2-worker first loads only")
    args = parser.parse_args(argv)
    result = bench(
        args.n,
        args.repeat,
        not (args.skip_workers or args.memory),
        edit=not args.memory,
        copy=not args.memory,
        only_workers=args.workers_only,
    )
    print(f"N = {args.n} articles, {args.repeat} run(s), {len(os.sched_getaffinity(0))} cores")
    for key, value in result.items():
        print(f"  {key:<40} {value:10.3f}")
    for line in _legend(result):
        print(f"  {line}")
    print(f"  (self max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    if args.figures:  # the query latencies at M figures: scripts/bench_queries.py does the work
        from bench_queries import bench as bench_queries

        with server_url() as server:
            bench_queries(server, args.figures, out=Path(f"docs/bench/queries-{args.figures}.txt"))
    return result


if __name__ == "__main__":
    main()
