"""Incremental loads: only new, changed or removed articles are read, and the result is what a
full load gives (a --full run afterwards changes nothing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from app.load import parallel
from app.load.seeds import SeedsError, load_seeds
from app.progress import LogProgress
from app.reference.catalog import read_reference

ARTICLE_004 = "004_1809158b010efb0f"
SLUG_004 = "ndo-bac-kan-2024-targets"
STAT_COLUMNS = ("mapping_mtime_ns", "text_mtime_ns")


def _articles(seeds: Path) -> Path:
    return seeds / "articles"


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _read(report) -> list[str]:
    return sorted(r.path.name for r in report.collected.reports)


def _full_load_changes_nothing(engine, seeds, snapshot) -> None:
    before = snapshot(engine)
    report = load_seeds(engine, seeds, full=True)
    assert not report.result.changed
    assert snapshot(engine) == before


def test_a_second_load_reads_no_article_and_changes_nothing(engine, seeds_copy, snapshot):
    first = load_seeds(engine, seeds_copy)
    assert len(_read(first)) == 5 and len(first.change.added) == 5
    before = snapshot(engine)
    second = load_seeds(engine, seeds_copy)
    assert _read(second) == [] and second.total == 5 and not second.result.changed
    assert second.result.counts["observations"].unchanged == first.result.counts["observations"].inserted
    assert snapshot(engine) == before


def test_touched_files_are_hashed_not_read_again(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine, ignore_columns=STAT_COLUMNS)
    for path in _articles(seeds_copy).iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    touched = load_seeds(engine, seeds_copy)
    assert _read(touched) == [] and not touched.result.changed
    assert snapshot(engine, ignore_columns=STAT_COLUMNS) == before
    with engine.connect() as conn:  # the new times are recorded: the next run hashes nothing
        recorded = conn.execute(text("SELECT mapping_mtime_ns FROM report_files")).scalars().all()
    assert sorted(recorded) == sorted(p.stat().st_mtime_ns for p in _articles(seeds_copy).glob("*.yaml"))


def test_an_edited_mapping_is_the_only_article_read_and_the_result_equals_a_full_load(
    engine, seeds_copy, snapshot
):
    load_seeds(engine, seeds_copy)
    _edit(_articles(seeds_copy) / f"{ARTICLE_004}.yaml", lambda d: d["figures"][0].update(status="expected"))
    report = load_seeds(engine, seeds_copy)
    assert _read(report) == [f"{ARTICLE_004}.yaml"]
    assert report.change.changed == [SLUG_004] and report.change.added == report.change.removed == []
    assert report.result.counts["observations"].updated == 1
    _full_load_changes_nothing(engine, seeds_copy, snapshot)


def test_a_removed_article_is_deleted_with_its_facts(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    for suffix in (".yaml", ".txt"):
        (_articles(seeds_copy) / f"{ARTICLE_004}{suffix}").unlink()
    report = load_seeds(engine, seeds_copy)
    assert _read(report) == [] and report.change.removed == [SLUG_004] and report.total == 4
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM reports WHERE slug = :s"), {"s": SLUG_004}).scalar() == 0
        )
        assert conn.execute(text("SELECT count(*) FROM report_files")).scalar() == 4
    _full_load_changes_nothing(engine, seeds_copy, snapshot)


def test_changed_reference_data_reloads_every_article(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    indicators = seeds_copy / "reference" / "indicators.yaml"
    indicators.write_text(indicators.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    report = load_seeds(engine, seeds_copy)
    assert len(_read(report)) == 5 and report.result.counts["reports"].updated == 5
    _full_load_changes_nothing(engine, seeds_copy, snapshot)


def test_bad_new_files_are_all_reported_against_kept_articles_and_nothing_is_written(
    engine, seeds_copy, snapshot
):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    articles = _articles(seeds_copy)
    source = articles / f"{ARTICLE_004}.yaml"
    # A copy under a new name keeps the slug of a kept article; another breaks a quote.
    for stem in ("900_copy", "901_broken"):
        (articles / f"{stem}.txt").write_bytes(source.with_suffix(".txt").read_bytes())
        (articles / f"{stem}.yaml").write_bytes(source.read_bytes())
    _edit(articles / "901_broken.yaml", lambda d: d["report"].update(slug="another-slug"))
    _edit(articles / "901_broken.yaml", lambda d: d["figures"][0].update(quote="không có trong bài báo"))
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, seeds_copy)
    message = str(caught.value)
    assert f"report.slug '{SLUG_004}' is already used by" in message and "900_copy.yaml" in message
    assert f"{articles / '901_broken.yaml'}: figures[0]" in message
    assert snapshot(engine) == before


def test_an_edited_file_reusing_a_kept_articles_person_key_is_an_error(engine, seeds_copy, snapshot):
    """Only 000 is read again; the person key it now reuses is held by kept article 002."""
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    path = _articles(seeds_copy) / "000_a65e3a874b89616e.yaml"
    edited = path.read_text(encoding="utf-8").replace("key: pham-duy-hung\n", "key: nong-ngoc-nam\n")
    path.write_text(edited.replace("person: pham-duy-hung\n", "person: nong-ngoc-nam\n"), encoding="utf-8")
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, seeds_copy)
    other = _articles(seeds_copy) / "002_8bb7c323e6b1daaf.yaml"
    assert (
        f"{other}: people: key 'nong-ngoc-nam' names 'Nông Ngọc Nam' here but 'Phạm Duy Hưng' in {path}"
        in str(caught.value)
    )
    assert snapshot(engine) == before


def test_verifying_in_a_process_pool_gives_the_same_reports(seeds_copy, monkeypatch):
    ref = read_reference(seeds_copy)
    paths = sorted(_articles(seeds_copy).glob("*.yaml"))
    alone = list(parallel.verify_many(paths, seeds_copy, ref, workers=1))
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 0)
    pooled = list(parallel.verify_many(paths, seeds_copy, ref, workers=2))
    assert [(r.report, r.observations, r.statements) for r in pooled] == [
        (r.report, r.observations, r.statements) for r in alone
    ]


def test_progress_off_a_terminal_is_a_line_every_few_seconds_with_its_rate(capsys):
    progress = LogProgress(every=0)
    progress.phase("verify", 3)
    progress.advance(3)
    progress.phase("sync", 0)
    progress.done()
    assert capsys.readouterr().err.startswith("verify 3/3 (")
    quiet = LogProgress(every=3600)  # a short load says nothing but its summary
    quiet.phase("verify", 3)
    quiet.advance(3)
    quiet.done()
    assert capsys.readouterr().err == ""


def test_the_default_worker_count_follows_the_cpus_the_process_may_use(monkeypatch):
    from app.load.parallel import default_workers

    monkeypatch.delenv("POVERTYDB_WORKERS", raising=False)
    mine = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(mine)})
        assert default_workers() == 1
    finally:
        os.sched_setaffinity(0, mine)
    assert default_workers() == len(mine)
