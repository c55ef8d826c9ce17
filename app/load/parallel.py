"""Verify many mapping files, on several cores when there are enough of them.

Workers are spawned (safe under any start method and with threads in the parent) and read the
reference data themselves, so only file names go out and verified rows come back. Work goes out
in a bounded window of chunks, so a parent busy staging never lets results pile up in memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from app.mapping.verify import VerifiedReport, verify_file
from app.reference.cache import read_reference_cached
from app.reference.catalog import Reference
from app.reference.errors import MappingError

# Below this many files a pool costs more to start (each worker imports the app) than it saves.
POOL_THRESHOLD = 40
CHUNK = 16
WINDOW = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory

_worker_ref: Reference | None = None


def default_workers() -> int:
    """POVERTYDB_WORKERS, else every core the process may use."""
    env = os.environ.get("POVERTYDB_WORKERS")
    if env:
        return max(1, int(env))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init(seeds_dir: str) -> None:
    global _worker_ref
    _worker_ref = read_reference_cached(Path(seeds_dir))


def _verify_one(path: Path, ref: Reference) -> VerifiedReport | MappingError:
    try:
        report = verify_file(path, ref)
    except MappingError as exc:
        return exc
    report.coverage = []  # only `check --coverage` shows it; a load need not carry it
    return report


def _verify_chunk(paths: list[Path]) -> list[tuple[Path, VerifiedReport | None, list[str]]]:
    out = []
    for path in paths:
        result = _verify_one(path, _worker_ref)
        if isinstance(result, MappingError):  # sent back as plain values: exceptions pickle poorly
            out.append((result.path, None, result.problems))
        else:
            out.append((path, result, []))
    return out


@contextlib.contextmanager
def _lean_children() -> Iterator[None]:
    """Spawned children re-run the parent's main script (the `povertydb` CLI: click, SQLAlchemy,
    alembic, rich...) before their task; hiding its path keeps a worker to what verifying imports
    (about half the memory). The attribute is restored when the pool is gone."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def verify_many(
    paths: list[Path],
    seeds_dir: Path,
    ref: Reference | Callable[[], Reference] | None,
    workers: int | None = None,
    advance: Callable[[int], None] | None = None,
) -> Iterator[VerifiedReport | MappingError]:
    """Verify `paths` in order, yielding each report or its MappingError as soon as it is ready.

    `ref` (or a function returning it) is used only when verifying in this process; workers read
    the reference data themselves, so a parent with a pool never parses it for verification."""
    workers = workers or default_workers()
    advance = advance or (lambda n: None)
    if workers <= 1 or len(paths) < POOL_THRESHOLD:
        reference = (ref() if callable(ref) else ref) if paths else None
        for path in paths:
            yield _verify_one(path, reference)
            advance(1)
        return
    chunks = (paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK))  # Paths made as sent
    context = multiprocessing.get_context("spawn")
    with (
        _lean_children(),
        ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init, initargs=(str(seeds_dir),)
        ) as pool,
    ):
        pending: deque = deque()
        todo = chunks
        for chunk in todo:
            pending.append(pool.submit(_verify_chunk, chunk))
            if len(pending) >= workers * WINDOW:
                break
        while pending:
            results = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_verify_chunk, nxt))
            for path, report, problems in results:
                yield report if report is not None else MappingError(path, problems)
            advance(len(results))
