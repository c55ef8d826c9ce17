"""The corpus as the database knows it, asked in SQL: a load holds no row per kept article.

The stat signals of every mapping file go into a temp table (COPY) and are compared with
report_files there; only the articles to read come back. Reports read in this run are streamed
into `stage_read` (their report_files row, people and fact counts). The checks across files,
the people of the whole corpus, the reports removed and the counts of kept rows are then asked
of the database the same way, so a load's memory does not grow with the corpus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from app.load.changes import FACT_TABLES, Change, FileList, check_across, names_of
from app.load.files import ArticleFiles, Stored
from app.load.sync import SyncResult
from app.reference.errors import MappingError

READ_COLUMNS = (
    ("mapping_file", "text"),
    ("slug", "text"),
    ("text_file", "text"),
    ("mapping_size", "bigint"),
    ("mapping_mtime_ns", "bigint"),
    ("mapping_sha256", "text"),
    ("text_size", "bigint"),
    ("text_mtime_ns", "bigint"),
    ("text_sha256", "text"),
    ("people", "jsonb"),
    ("fact_counts", "jsonb"),
    ("clean", "boolean"),  # read, but its load checksum is the database's: its rows stay
)


@dataclass
class FileDecision:
    """What a load does with the articles: the ones to read (file order); the others are kept."""

    read: list[Path] = field(default_factory=list)
    kept: int = 0
    touched: list[ArticleFiles] = field(default_factory=list)  # kept, new stat signals to record
    loaded_before: bool = False  # report_files exists and is not empty


def _raw(conn: Connection):
    return conn.connection.driver_connection


def has_report_files(conn: Connection) -> bool:
    return not conn.execute(text("SELECT to_regclass('report_files') IS NULL")).scalar()


def last_load(conn: Connection) -> int:
    """The id of the last load that committed (0: none): another loader's commit changes it."""
    if conn.execute(text("SELECT to_regclass('load_runs') IS NULL")).scalar():
        return 0
    return conn.execute(
        text("SELECT coalesce(max(id), 0) FROM load_runs WHERE status = 'succeeded'")
    ).scalar()


def _signal_rows(mappings: list[Path]):
    """(name, four stat signals) of each mapping file, as ArticleFiles.stat gives them."""
    if isinstance(mappings, FileList):  # the common case: names of one directory, no Path each
        directory, signals = str(mappings.directory), ArticleFiles.signals_of
        return ((name, *signals(directory, name)) for name in mappings.names)
    return ((path.name, *ArticleFiles.stat(path).signals) for path in mappings)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows) -> str:
    """Rows of (name, then values that need no escaping: numbers, t/f) in COPY's text format, in one
    string: one write instead of one call per row."""
    return "".join(
        f"{row[0].translate(_COPY_ESCAPES)}\t" + "\t".join(map(str, row[1:])) + "\n" for row in rows
    )


def decide(conn: Connection, mappings: list[Path], context: str, full: bool) -> FileDecision:
    """Sort `mappings` into articles to read and to keep, as files.decide does, in SQL."""
    if not has_report_files(conn):
        return FileDecision(read=mappings)  # every one (a FileList stays a FileList)
    raw = _raw(conn)
    with raw.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS scan_files")
        cur.execute(
            "CREATE TEMP TABLE scan_files (mapping_file text PRIMARY KEY, ms bigint, mm bigint, ts bigint,"
            " tm bigint)"
        )
        with cur.copy("COPY scan_files FROM STDIN") as copy:
            copy.write(_copy_text(_signal_rows(mappings)))
        cur.execute(
            """SELECT f.mapping_file, r.mapping_file IS NOT NULL AND r.context = %(ctx)s AND NOT %(full)s
                      AND -1 NOT IN (f.ms, f.mm, f.ts, f.tm),
                      r.mapping_sha256, r.text_sha256
                 FROM scan_files f LEFT JOIN report_files r USING (mapping_file)
                WHERE r.mapping_file IS NULL OR r.context <> %(ctx)s OR %(full)s
                   OR -1 IN (f.ms, f.mm, f.ts, f.tm)
                   OR (r.mapping_size, r.mapping_mtime_ns, r.text_size, r.text_mtime_ns)
                      <> (f.ms, f.mm, f.ts, f.tm)""",
            {"ctx": context, "full": full},
        )
        differing = {name: (candidate, (msha, tsha)) for name, candidate, msha, tsha in cur.fetchall()}
        loaded_before = cur.execute("SELECT EXISTS (SELECT 1 FROM report_files)").fetchone()[0]
        cur.execute("DROP TABLE scan_files")
    decision = FileDecision(loaded_before=loaded_before)
    for index, name in enumerate(names_of(mappings)):
        if name not in differing:
            continue
        path = mappings[index]
        candidate, hashes = differing[name]
        files = ArticleFiles.stat(path)
        if candidate and files.hashes() == hashes:
            decision.touched.append(files)  # same content, new times: kept
        else:
            decision.read.append(path)
    decision.kept = len(mappings) - len(decision.read)
    return decision


def record_names(conn: Connection, mappings: list[Path], read: list[Path]) -> None:
    """The load's file list in its transaction (`load_files`): which are kept, which read."""
    names = {p.name for p in read}
    with _raw(conn).cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE load_files (mapping_file text PRIMARY KEY, read boolean) ON COMMIT DROP"
        )
        with cur.copy("COPY load_files FROM STDIN") as copy:
            copy.write(_copy_text((name, "t" if name in names else "f") for name in names_of(mappings)))
        cur.execute("ANALYZE load_files")


_KEPT = "SELECT r.* FROM report_files r JOIN load_files f USING (mapping_file) WHERE NOT f.read"


def check_across_in_db(
    conn: Connection,
    kept_conn: Connection | None,
    articles: Path,
    mappings: list[Path],
    decision: FileDecision,
) -> list[MappingError]:
    """changes.check_across over the whole corpus, fetching only the entries that may disagree:
    every entry of a slug used twice, and of a person key spelled two ways. `kept_conn` reads
    report_files (a connection of its own before the migration: no lock is kept); None when no
    article is kept."""
    raw = _raw(conn)
    if kept_conn is None or not decision.kept:
        # Nothing kept (a first load): only the read entries of a slug used twice or of a key
        # spelled two ways are fetched, never the whole run's.
        dup = [r[0] for r in raw.execute("SELECT slug FROM stage_read GROUP BY slug HAVING count(*) > 1")]
        plural = [
            r[0]
            for r in raw.execute(
                "SELECT q->>'key' FROM stage_read, jsonb_array_elements(people) q"
                " GROUP BY 1 HAVING count(DISTINCT q->>'full_name') > 1"
            )
        ]
        rows = []
        if dup or plural:
            rows = raw.execute(
                "SELECT mapping_file, slug, people FROM stage_read s WHERE slug = ANY(%(dup)s) OR EXISTS"
                " (SELECT 1 FROM jsonb_array_elements(s.people) p WHERE p->>'key' = ANY(%(plural)s))",
                {"dup": dup, "plural": plural},
            ).fetchall()
        entries = {name: (slug, people) for name, slug, people in rows}
    else:
        # The read entries' slugs and keys are few on an incremental run.
        rows = raw.execute("SELECT mapping_file, slug, people FROM stage_read").fetchall()
        entries = {name: (slug, people) for name, slug, people in rows}
        slugs = [slug for slug, _ in entries.values()]
        keys = sorted({p["key"] for _, people in entries.values() for p in people})
        # Arrays joined as sets (unnest): `= ANY(array)` would compare every row with every name.
        kept = kept_conn.execute(
            text(
                """SELECT r.mapping_file, r.slug, r.people FROM report_files r
                     JOIN unnest(CAST(:present AS text[])) AS f(name) ON f.name = r.mapping_file
                    WHERE r.mapping_file NOT IN (SELECT unnest(CAST(:read AS text[])))
                      AND (r.slug IN (SELECT unnest(CAST(:slugs AS text[]))) OR EXISTS (
                           SELECT 1 FROM jsonb_array_elements(r.people) p
                            WHERE p->>'key' IN (SELECT unnest(CAST(:keys AS text[])))))"""
            ),
            {"read": list(entries), "present": names_of(mappings), "slugs": slugs, "keys": keys},
        ).all()
        entries |= {name: (slug, people) for name, slug, people in kept}
    slug_count: dict[str, int] = {}
    names: dict[str, set[str]] = {}
    for slug, people in entries.values():
        slug_count[slug] = slug_count.get(slug, 0) + 1
        for p in people:
            names.setdefault(p["key"], set()).add(p["full_name"])
    suspects = {name for name, (slug, people) in entries.items() if slug_count[slug] > 1}
    suspects |= {
        name for name, (_, people) in entries.items() if any(len(names[p["key"]]) > 1 for p in people)
    }
    if not suspects:
        return []
    # Only keys spelled two ways can disagree; the other keys of a suspect entry are dropped so
    # that they are not compared with a first occurrence outside the suspects.
    plural = {k for k, v in names.items() if len(v) > 1}
    dup = {s for s, n in slug_count.items() if n > 1}
    read = [
        _Entry(
            articles / name,
            {"slug": slug if slug in dup else f"\0{name}"},
            [p for p in people if p["key"] in plural],
        )
        for name, (slug, people) in entries.items()
        if name in suspects
    ]
    return check_across(articles.parent, _NoKept(), read)


@dataclass
class _Entry:
    path: Path
    report: dict
    people: list[dict]


class _NoKept:
    def __init__(self) -> None:
        self.kept: dict = {}


def change_in_db(conn: Connection, clean: frozenset[str]) -> Change:
    """What the run changes: reports read and not clean are loading; removed are the database's
    reports that no file names any more. `loading` holds slugs here, not reports."""
    raw = _raw(conn)
    loading = [r[0] for r in raw.execute("SELECT slug FROM stage_read WHERE NOT clean ORDER BY slug")]
    known = {r[0] for r in raw.execute("SELECT s.slug FROM stage_read s JOIN reports r USING (slug)")}
    removed = [
        r[0]
        for r in raw.execute(
            f"""SELECT slug FROM reports r WHERE NOT EXISTS (SELECT 1 FROM stage_read s WHERE s.slug = r.slug)
                  AND NOT EXISTS (SELECT 1 FROM ({_KEPT}) k WHERE k.slug = r.slug) ORDER BY slug"""
        )
    ]
    change = Change(clean=clean, loading=[])
    change.added = [s for s in loading if s not in known]
    change.changed = [s for s in loading if s in known]
    change.removed = removed
    change.loading = loading
    return change


def stage_people(conn: Connection) -> int:
    """Every person of the corpus, one row per key, the first file's spelling (file order)."""
    with _raw(conn).cursor() as cur:
        cur.execute(
            f"""INSERT INTO stage_people (key, full_name, name_folded)
                SELECT DISTINCT ON (key) key, full_name, name_folded FROM (
                    SELECT e.mapping_file, p.n, p.v->>'key' AS key, p.v->>'full_name' AS full_name,
                           p.v->>'name_folded' AS name_folded
                      FROM (SELECT mapping_file, people FROM stage_read
                            UNION ALL SELECT mapping_file, people FROM ({_KEPT}) k) e,
                           jsonb_array_elements(e.people) WITH ORDINALITY AS p(v, n)) x
                ORDER BY key, mapping_file COLLATE "C", n"""
        )
        staged = max(cur.rowcount, 0)  # before ANALYZE, which resets the cursor's row count
        cur.execute("ANALYZE stage_people")
        return staged


def count_kept_in_db(conn: Connection, result: SyncResult) -> None:
    """Rows of reports not re-merged (kept, or read and clean) are unchanged: counted from report_files."""
    sums = ", ".join(f"coalesce(sum((fact_counts->>'{t}')::int), 0)" for t in FACT_TABLES)
    row = (
        _raw(conn)
        .execute(
            f"""SELECT count(*), {sums} FROM (
                SELECT fact_counts FROM ({_KEPT}) k
                UNION ALL SELECT fact_counts FROM stage_read WHERE clean) x"""
        )
        .fetchone()
    )
    result.of("reports").unchanged += row[0]
    for table, n in zip(FACT_TABLES, row[1:], strict=True):
        result.of(table).unchanged += n


def record_in_db(conn: Connection, decision: FileDecision, context: str, gone: list[str]) -> None:
    """report_files for what this load read (from stage_read), touched and removed (`gone`: slugs)."""
    raw = _raw(conn)
    # Two statements: an OR of the two conditions could not be an anti-join.
    raw.execute("DELETE FROM report_files r USING stage_read s WHERE r.mapping_file = s.mapping_file")
    raw.execute("DELETE FROM report_files WHERE slug = ANY(%s)", (gone,))
    columns = [c for c, _ in READ_COLUMNS if c != "clean"]
    raw.execute(
        f"INSERT INTO report_files ({', '.join(columns)}, context)"
        f" SELECT {', '.join(columns)}, %s FROM stage_read",
        (context,),
    )
    if decision.touched:
        with raw.cursor() as cur:
            cur.executemany(
                "UPDATE report_files SET mapping_size = %s, mapping_mtime_ns = %s, text_size = %s,"
                " text_mtime_ns = %s WHERE mapping_file = %s",
                [(*f.signals, f.mapping.name) for f in decision.touched],
            )


def read_row(
    files: ArticleFiles, hashes: tuple[str, str], report: dict, people: list, counts: dict, clean: bool
):
    """One stage_read row, in READ_COLUMNS order."""
    return (
        files.mapping.name,
        report["slug"],
        report["source_file"],
        files.mapping_size,
        files.mapping_mtime_ns,
        hashes[0],
        files.text_size,
        files.text_mtime_ns,
        hashes[1],
        json.dumps(people),
        json.dumps(counts),
        clean,
    )


__all__ = ["Stored"]
