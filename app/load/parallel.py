"""Verify many mapping files, on several cores when there are enough of them.

Workers are spawned (safe under any start method and with threads in the parent) and read the
reference data themselves, so only file names go out and verified rows come back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from app.mapping.verify import VerifiedReport, verify_file
from app.reference.catalog import Reference, read_reference
from app.reference.errors import MappingError

# Below this many files a pool costs more to start (each worker imports the app) than it saves.
POOL_THRESHOLD = 40
CHUNK = 16

_worker_ref: Reference | None = None


def default_workers() -> int:
    """POVERTYDB_WORKERS, else every core the process may use."""
    env = os.environ.get("POVERTYDB_WORKERS")
    if env:
        return max(1, int(env))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init(seeds_dir: str) -> None:
    global _worker_ref
    _worker_ref = read_reference(Path(seeds_dir))


def _verify_one(path: Path, ref: Reference) -> VerifiedReport | MappingError:
    try:
        report = verify_file(path, ref)
    except MappingError as exc:
        return exc
    report.coverage = []  # only `check --coverage` shows it; a load need not carry it
    return report


def _verify_in_worker(path: Path) -> tuple[Path, VerifiedReport | None, list[str]]:
    result = _verify_one(path, _worker_ref)
    if isinstance(result, MappingError):  # sent back as plain values: exceptions pickle poorly
        return result.path, None, result.problems
    return path, result, []


def verify_many(
    paths: list[Path],
    seeds_dir: Path,
    ref: Reference,
    workers: int | None = None,
    advance: Callable[[int], None] | None = None,
) -> Iterator[VerifiedReport | MappingError]:
    """Verify `paths` in order, yielding each report or its MappingError as soon as it is ready."""
    workers = workers or default_workers()
    advance = advance or (lambda n: None)
    if workers <= 1 or len(paths) < POOL_THRESHOLD:
        for path in paths:
            yield _verify_one(path, ref)
            advance(1)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init, initargs=(str(seeds_dir),)
    ) as pool:
        results: Iterable = pool.map(_verify_in_worker, paths, chunksize=CHUNK)
        for path, report, problems in results:
            yield report if report is not None else MappingError(path, problems)
            advance(1)
