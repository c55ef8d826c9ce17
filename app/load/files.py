"""Which articles a load must re-read: cheap file signals against what the database recorded.

Size and modification time of an article's text and mapping decide first; when they differ, the
content hashes do (a touched file is not re-read). A new code version or reference digest
(`context`) re-reads everything. What a load reads is recorded in report_files, in its transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from app.load.runs import code_version


def load_context(reference_digest: str) -> str:
    """The code and reference data rows are made with: reports loaded under another are re-read."""
    return hashlib.sha256(f"{code_version()}\n{reference_digest}".encode()).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class ArticleFiles:
    """A mapping file and the article text beside it, with their stat signals (-1: missing)."""

    mapping: Path
    mapping_size: int = -1
    mapping_mtime_ns: int = -1
    text_size: int = -1
    text_mtime_ns: int = -1

    @classmethod
    def stat(cls, mapping: Path) -> ArticleFiles:
        files = cls(mapping)
        try:
            s = mapping.stat()
            files.mapping_size, files.mapping_mtime_ns = s.st_size, s.st_mtime_ns
            t = mapping.with_suffix(".txt").stat()
            files.text_size, files.text_mtime_ns = t.st_size, t.st_mtime_ns
        except OSError:
            pass  # verification names what is missing
        return files

    @staticmethod
    def signals_of(directory: str, name: str) -> tuple[int, int, int, int]:
        """stat's signals of the mapping `name` in `directory` and of its text, from strings: no Path
        or object per file (a no-op load stats every file of the corpus)."""
        try:
            s = os.stat(f"{directory}/{name}")
        except OSError:
            return (-1, -1, -1, -1)
        try:
            t = os.stat(f"{directory}/{name.removesuffix('.yaml')}.txt")
        except OSError:
            return (s.st_size, s.st_mtime_ns, -1, -1)
        return (s.st_size, s.st_mtime_ns, t.st_size, t.st_mtime_ns)

    @property
    def signals(self) -> tuple[int, int, int, int]:
        return (self.mapping_size, self.mapping_mtime_ns, self.text_size, self.text_mtime_ns)

    def hashes(self) -> tuple[str, str]:
        return _sha256(self.mapping), _sha256(self.mapping.with_suffix(".txt"))


@dataclass
class Stored:
    """One report_files row: what a report was last loaded from."""

    mapping_file: str
    slug: str
    signals: tuple[int, int, int, int]
    hashes: tuple[str, str]
    context: str
    people: list[dict]
    fact_counts: dict


def read_stored(conn: Connection) -> tuple[dict[str, Stored], set[str]]:
    """report_files by mapping file name, and every slug in reports (some may have no file row).

    Before the schema has report_files (a new or older database) nothing is known: all is read."""
    if conn.execute(text("SELECT to_regclass('report_files') IS NULL")).scalar():
        return {}, set()
    rows = conn.execute(
        text(
            "SELECT mapping_file, slug, mapping_size, mapping_mtime_ns, text_size, text_mtime_ns,"
            " mapping_sha256, text_sha256, context, people, fact_counts FROM report_files"
        )
    ).all()
    stored = {
        r[0]: Stored(r[0], r[1], (r[2], r[3], r[4], r[5]), (r[6], r[7]), r[8], r[9], r[10]) for r in rows
    }
    slugs = set(conn.execute(text("SELECT slug FROM reports")).scalars())
    return stored, slugs


@dataclass
class Decision:
    """What a load does with each article: re-read it, or keep what the database holds."""

    read: list[ArticleFiles] = field(default_factory=list)
    kept: dict[str, Stored] = field(default_factory=dict)  # by mapping file name
    touched: list[ArticleFiles] = field(default_factory=list)  # kept, new stat signals to record


def decide(mappings: list[Path], stored: dict[str, Stored], context: str, full: bool) -> Decision:
    """Sort `mappings` into articles to re-read and articles to keep; `full` re-reads all."""
    decision = Decision()
    for path in mappings:
        files = ArticleFiles.stat(path)
        old = stored.get(path.name)
        if full or old is None or old.context != context or -1 in files.signals:
            decision.read.append(files)
        elif old.signals == files.signals:
            decision.kept[path.name] = old
        elif old.hashes == files.hashes():
            decision.kept[path.name] = old
            decision.touched.append(files)
        else:
            decision.read.append(files)
    return decision


def record(conn: Connection, decision: Decision, reports: list, context: str, gone: list[str]) -> None:
    """Record what this load read (`reports`: ReadReport, with the signals and hashes of the files
    as they were read), touched and removed (`gone`: slugs)."""
    names = [r.path.name for r in reports]
    conn.execute(
        text("DELETE FROM report_files WHERE mapping_file = ANY(:names) OR slug = ANY(:gone)"),
        {"names": names, "gone": gone},
    )
    rows = []
    for r in reports:
        files, (mapping_sha, text_sha) = r.files, r.hashes
        rows.append(
            {
                "mapping_file": r.path.name,
                "slug": r.report["slug"],
                "text_file": r.report["source_file"],
                "ms": files.mapping_size,
                "mm": files.mapping_mtime_ns,
                "msha": mapping_sha,
                "ts": files.text_size,
                "tm": files.text_mtime_ns,
                "tsha": text_sha,
                "ctx": context,
                "people": json.dumps(r.people),
                "counts": json.dumps(r.counts),
            }
        )
    if rows:
        conn.execute(
            text(
                "INSERT INTO report_files VALUES (:mapping_file, :slug, :text_file, :ms, :mm, :msha,"
                " :ts, :tm, :tsha, :ctx, CAST(:people AS jsonb), CAST(:counts AS jsonb))"
            ),
            rows,
        )
    if decision.touched:
        conn.execute(
            text(
                "UPDATE report_files SET mapping_size = :ms, mapping_mtime_ns = :mm, text_size = :ts,"
                " text_mtime_ns = :tm WHERE mapping_file = :name"
            ),
            [
                {
                    "name": f.mapping.name,
                    "ms": f.mapping_size,
                    "mm": f.mapping_mtime_ns,
                    "ts": f.text_size,
                    "tm": f.text_mtime_ns,
                }
                for f in decision.touched
            ],
        )


FACT_TABLES = ("observations", "funding", "positions", "statements")
