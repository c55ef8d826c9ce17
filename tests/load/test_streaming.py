"""Streamed loads: verified reports go to the stages in small batches, on one core or several;
the rows are those of an unbatched load, and a bad file among many still writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from app.db import make_engine
from app.load import parallel, stream
from app.load.seeds import SeedsError, load_seeds
from tests.conftest import SEEDS

COPIES = 12  # 5 seeds x 12 = 60 articles: above the pool threshold


def _corpus(target: Path, copies: int = COPIES) -> Path:
    """The seeds with every article copied `copies` times under new names and slugs."""
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("articles"))
    articles = target / "articles"
    articles.mkdir()
    for i in range(copies):
        for seed in sorted((SEEDS / "articles").glob("*.yaml")):
            stem = f"{i:03d}_{seed.stem}"
            (articles / f"{stem}.txt").write_bytes(seed.with_suffix(".txt").read_bytes())
            data = yaml.safe_load(seed.read_text(encoding="utf-8"))
            data["report"]["slug"] += f"-{i:03d}"
            (articles / f"{stem}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    return target


def _without_runs(snapshot: dict) -> dict:
    """Rows by content: sequences and load_runs differ between two loads of the same files."""
    return {t: rows for t, rows in snapshot.items() if t not in ("sequences", "load_runs")}


def test_a_load_staged_one_report_at_a_time_on_two_workers_equals_one_staged_at_once_on_one(
    server_url, new_database, tmp_path, monkeypatch, snapshot
):
    corpus = _corpus(tmp_path / "seeds")
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 0)
    one, two = make_engine(new_database()), make_engine(new_database())
    try:
        monkeypatch.setattr(stream, "BATCH", 10_000)
        alone = load_seeds(one, corpus, workers=1)
        monkeypatch.setattr(stream, "BATCH", 1)
        pooled = load_seeds(two, corpus, workers=2)
        assert alone.result.counts == pooled.result.counts
        assert pooled.result.of("reports").inserted == 5 * COPIES
        assert _without_runs(snapshot(one)) == _without_runs(snapshot(two))
    finally:
        one.dispose()
        two.dispose()


def test_every_bad_file_among_many_is_reported_and_nothing_is_written(
    engine, tmp_path, monkeypatch, snapshot
):
    corpus = _corpus(tmp_path / "seeds")
    monkeypatch.setattr(stream, "BATCH", 3)  # rows of good files were staged before the bad ones came
    articles = corpus / "articles"
    late = sorted(articles.glob("*.yaml"))[-2:]
    for path in late:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["figures"][0]["quote"] = "không có trong bài báo"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # Two good files disagree across the corpus: a slug used twice.
    dup = sorted(articles.glob("003_*.yaml"))[0]
    data = yaml.safe_load(dup.read_text(encoding="utf-8"))
    data["report"]["slug"] = yaml.safe_load(sorted(articles.glob("001_*.yaml"))[0].read_text())["report"][
        "slug"
    ]
    dup.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, corpus, workers=2)
    assert sorted(e.path for e in caught.value.errors) == sorted([dup, *late])
    assert "is already used by 001_" in str(caught.value)
    assert snapshot(engine) == before


def test_one_key_spelled_with_other_spacing_is_one_person(engine, tmp_path):
    """Raw spellings differ, normalized names agree: the SQL pre-filter must not refuse it."""
    corpus = _corpus(tmp_path / "seeds", copies=2)
    later = sorted((corpus / "articles").glob("001_000_*.yaml"))[0]
    data = yaml.safe_load(later.read_text(encoding="utf-8"))
    assert data["people"][0]["name"] == "Phạm Duy Hưng"
    data["people"][0]["name"] = "Phạm  Duy Hưng"
    later.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = load_seeds(engine, corpus)
    assert report.result.of("reports").inserted == 10


def test_a_person_key_two_new_files_spell_differently_is_refused_naming_both(engine, tmp_path, snapshot):
    corpus = _corpus(tmp_path / "seeds", copies=2)
    articles = corpus / "articles"
    first = sorted(articles.glob("000_000_*.yaml"))[0]
    later = sorted(articles.glob("001_002_*.yaml"))[0]
    edited = later.read_text(encoding="utf-8").replace("key: nong-ngoc-nam\n", "key: pham-duy-hung\n")
    later.write_text(edited.replace("person: nong-ngoc-nam\n", "person: pham-duy-hung\n"), encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, corpus)
    assert (
        f"{later}: people: key 'pham-duy-hung' names 'Nông Ngọc Nam' here but 'Phạm Duy Hưng' in {first}"
        in str(caught.value)
    )
    assert snapshot(engine) == before


def _bench_scale():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_scale", SEEDS.parent / "scripts" / "bench_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_first_load_written_batch_by_batch_holds_the_rows_of_a_staged_load(
    server_url, new_database, tmp_path, monkeypatch
):
    """A first load writes its batches into the final tables; a later load adding the same
    articles merges them from the stages: the same rows (ids replaced by natural keys)."""
    corpus = _corpus(tmp_path / "seeds", copies=3)
    direct_url, staged_url = new_database(), new_database()
    direct, staged = make_engine(direct_url), make_engine(staged_url)
    try:
        monkeypatch.setattr(stream, "BATCH", 4)  # batches split the corpus, people recur across them
        first = load_seeds(direct, corpus)
        assert first.result.of("reports").inserted == 15 and first.result.of("people").inserted > 0
        articles = sorted((corpus / "articles").glob("*.yaml"))
        hidden = tmp_path / "hidden"
        hidden.mkdir()
        for path in articles[1:]:
            shutil.move(path, hidden / path.name)
        load_seeds(staged, corpus)  # one article first: the others are then new to a loaded database
        for path in articles[1:]:
            shutil.move(hidden / path.name, path)
        second = load_seeds(staged, corpus)
        assert second.result.of("reports").inserted == 14
        bench = _bench_scale()
        assert bench.rows_digest(direct_url) == bench.rows_digest(staged_url)
        with direct.connect() as a, staged.connect() as b:
            people = "SELECT key, full_name, name_folded FROM people ORDER BY key"
            assert a.exec_driver_sql(people).all() == b.exec_driver_sql(people).all()
        assert not load_seeds(direct, corpus, full=True).result.changed
    finally:
        direct.dispose()
        staged.dispose()


def test_load_seeds_full_verifies_in_the_pool_and_reports_every_bad_file(
    db_url, engine, tmp_path, monkeypatch, snapshot
):
    from click.testing import CliRunner

    from app.cli import cli

    corpus = _corpus(tmp_path / "seeds")
    load_seeds(engine, corpus)
    seen: list[tuple[int, int | None]] = []
    real = stream.verify_many

    def recorded(paths, seeds_dir, ref, workers=None, advance=None):
        seen.append((len(paths), workers))  # the real verification runs: this only records it
        return real(paths, seeds_dir, ref, workers, advance)

    monkeypatch.setattr(stream, "verify_many", recorded)
    late = sorted((corpus / "articles").glob("*.yaml"))[-2:]
    for path in late:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["figures"][0]["quote"] = "không có trong bài báo"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = snapshot(engine)
    args = ["load-seeds", "--full", "--workers", "2", "--seeds-dir", str(corpus)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": db_url})
    assert result.exit_code == 1, result.output
    assert all(str(path) in result.output for path in late) and "nothing was written" in result.output
    assert seen == [(5 * COPIES, 2)]  # every article, streamed through the pool
    assert snapshot(engine) == before
