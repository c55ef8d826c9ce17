"""An incremental load: which articles are read, what they change, and the checks across files.

Articles whose files did not change keep what the database holds (app/load/files.py); the ones
read are verified (in a process pool when many) and checked against the kept ones: slugs unique,
a person key names one person.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, text

from app.load.files import Decision, Stored, decide
from app.load.parallel import verify_many
from app.load.runs import code_version
from app.load.sync import SyncResult
from app.mapping.verify import VerifiedReport
from app.reference.cache import read_reference_cached
from app.reference.catalog import Reference, reference_digest
from app.reference.errors import MappingError
from app.vn.normalize import normalize_name

ARTICLES_DIR = "articles"


class Progress:
    """Told how far a load is; this one says nothing (the CLI shows a bar or log lines)."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, n: int) -> None: ...

    def done(self) -> None: ...


class SeedsError(ValueError):
    """Problems in one or more seed files; `errors` holds one MappingError per file."""

    def __init__(self, errors: list[MappingError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def people_disagreeing(people_by_file: list[tuple[Path, list[dict]]]) -> list[MappingError]:
    """A person key names one person everywhere: `people.key` is global, so that one official is
    linked across reports. The same key with another name in a second file would silently give
    the first person's statements to the second; it is an error naming both files.

    Names are compared in NFC with one tone-mark convention and single spaces ("Hoà" is "Hòa"),
    since pages differ in where they put the mark. Folded equality is not enough: "Hưng" and
    "Hùng" fold alike but are different names.
    """
    first: dict[str, tuple[Path, str]] = {}
    errors = []
    for path, people in people_by_file:
        for person in people:
            key, name = person["key"], person["full_name"]
            seen = first.setdefault(key, (path, name))
            if normalize_name(seen[1]) != normalize_name(name):
                errors.append(
                    MappingError(
                        path,
                        [
                            f"people: key {key!r} names {name!r} here but {seen[1]!r} in {seen[0]}; "
                            "a person key is shared by every report, so use one name for one person "
                            "and another key for another person"
                        ],
                    )
                )
    return errors


FACT_TABLES = ("observations", "funding", "positions", "statements")


def load_checksum(ref: Reference, report: VerifiedReport) -> str:
    """What decides whether a report must be reloaded: its text, its mapping, the code, the reference data."""
    return checksum(ref.digest, report)


def checksum(reference_digest: str, report: VerifiedReport) -> str:
    """load_checksum from the reference data's digest alone: no need to parse the reference data."""
    parts = (report.report["sha256"], report.report["mapping_sha256"], code_version(), reference_digest)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def reference_reader(seeds_dir: Path) -> Callable[[], Reference]:
    """The reference data, read on first use: a run that reads no article never parses it."""

    @cache
    def read() -> Reference:
        try:
            return read_reference_cached(seeds_dir)
        except MappingError as exc:
            raise SeedsError([exc]) from None

    return read


class FileList(Sequence[Path]):
    """Files of one directory, in name order, as Paths made on demand: 100,000 Path objects
    take about 60 MB, their names 9 MB (a corpus's load must not grow with it)."""

    def __init__(self, directory: Path, names: list[str]):
        self.directory, self.names = directory, names

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.directory / name for name in self.names[index]]
        return self.directory / self.names[index]

    def __iter__(self) -> Iterator[Path]:
        directory = self.directory
        return (directory / name for name in self.names)


def names_of(paths: Sequence[Path]) -> list[str]:
    return paths.names if isinstance(paths, FileList) else [p.name for p in paths]


def scan(seeds_dir: Path) -> tuple[str, list[Path], list[Path]]:
    """The digest of the reference files, every mapping file, and every article text without a mapping."""
    try:
        digest = reference_digest(seeds_dir)
    except OSError:
        reference_reader(seeds_dir)()  # names the missing or unreadable file
        raise
    articles = seeds_dir / ARTICLES_DIR
    if not articles.is_dir():
        raise SeedsError([MappingError(articles, ["no such directory"])])
    # As glob("*.yaml") and glob("*.txt") would list them (no hidden files), without a Path each.
    files = [n for n in os.listdir(articles) if not n.startswith(".")]
    mappings = sorted(n for n in files if n.endswith(".yaml"))
    stems = {n.removesuffix(".yaml") for n in mappings}
    unmapped = [
        articles / n for n in sorted(files) if n.endswith(".txt") and n.removesuffix(".txt") not in stems
    ]
    return digest, FileList(articles, mappings), unmapped


def prepare(
    seeds_dir: Path,
    ref: Callable[[], Reference],
    mappings: list[Path],
    stored: dict[str, Stored],
    context: str,
    full: bool,
    known: dict[str, VerifiedReport],
    workers: int | None,
    progress: Progress,
) -> tuple[Decision, list[VerifiedReport]]:
    """Decide what to read, verify it (`known`: verified already), and check it against what is
    kept; raise SeedsError listing every bad file."""
    progress.phase("scan", len(mappings))
    decision = decide(mappings, stored, context, full)
    progress.advance(len(mappings))
    todo = [f.mapping for f in decision.read if f.mapping.name not in known]
    progress.phase("verify", len(todo))
    fresh = {}
    errors: list[MappingError] = []
    for result in verify_many(todo, seeds_dir, ref() if todo else None, workers, progress.advance):
        if isinstance(result, MappingError):
            errors.append(result)
        else:
            fresh[result.path.name] = result
    verified = [known.get(f.mapping.name) or fresh.get(f.mapping.name) for f in decision.read]
    verified = [r for r in verified if r is not None]
    errors += check_across(seeds_dir, decision, verified)
    if errors:
        raise SeedsError(sorted(errors, key=lambda e: str(e.path)))
    return decision, verified


def check_across(seeds_dir: Path, decision: Decision, read: list) -> list[MappingError]:
    """Slugs unique and person keys naming one person, over every article in file order: the kept
    ones (as report_files recorded them) and the ones `read` (VerifiedReport or ReadReport)."""
    articles = seeds_dir / ARTICLES_DIR
    entries = [(articles / name, s.slug, s.people) for name, s in decision.kept.items()]
    entries += [(r.path, r.report["slug"], r.people) for r in read]
    entries.sort(key=lambda e: e[0].name)
    errors = []
    slugs: dict[str, Path] = {}
    for path, slug, _ in entries:
        if slug in slugs:
            errors.append(MappingError(path, [f"report.slug {slug!r} is already used by {slugs[slug].name}"]))
        slugs[slug] = path
    return errors + people_disagreeing([(path, people) for path, _, people in entries])


@dataclass
class Change:
    """What a run changes, by report slug."""

    clean: frozenset[str]  # read, but their load checksum is unchanged: their rows stay
    loading: list  # VerifiedReport, or (a streamed load) slugs
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)  # every report's people, in file order

    @property
    def dirty(self) -> list[str]:
        """Slugs whose report and fact rows are pruned and re-merged."""
        loading = {r if isinstance(r, str) else r.report["slug"] for r in self.loading}
        return sorted(loading | set(self.removed))


def changes(
    conn: Connection,
    ref: Callable[[], Reference],
    decision: Decision,
    verified: list[VerifiedReport],
    db_slugs: set[str],
) -> Change:
    slugs = [r.report["slug"] for r in verified]
    stored = dict(
        conn.execute(text("SELECT slug, load_checksum FROM reports WHERE slug = ANY(:s)"), {"s": slugs}).all()
    )
    clean = frozenset(
        r.report["slug"] for r in verified if stored.get(r.report["slug"]) == load_checksum(ref(), r)
    )
    return change_of(decision, verified, clean, db_slugs)


def change_of(decision: Decision, read: list, clean: frozenset[str], db_slugs: set[str]) -> Change:
    """What a run changes, given the reports it `read` and those of them that are `clean`."""
    slugs = [r.report["slug"] for r in read]
    loading = [r for r in read if r.report["slug"] not in clean]
    present = {s.slug for s in decision.kept.values()} | set(slugs)
    by_name = [(name, s.people) for name, s in decision.kept.items()]
    by_name += [(r.path.name, r.people) for r in read]
    by_name.sort(key=lambda e: e[0])
    return Change(
        clean=clean,
        loading=loading,
        added=sorted(r.report["slug"] for r in loading if r.report["slug"] not in db_slugs),
        changed=sorted(r.report["slug"] for r in loading if r.report["slug"] in db_slugs),
        removed=sorted(db_slugs - present),
        people=[p for _, people in by_name for p in people],
    )


def count_kept(result: SyncResult, decision: Decision, read: list, change: Change) -> None:
    """Rows of reports not re-merged are unchanged without a look: count them from what is known."""
    result.of("reports").unchanged += len(decision.kept) + len(change.clean)
    for table in FACT_TABLES:
        counts = result.of(table)
        counts.unchanged += sum(s.fact_counts.get(table, 0) for s in decision.kept.values())
        counts.unchanged += sum(r.counts[table] for r in read if r.report["slug"] in change.clean)
