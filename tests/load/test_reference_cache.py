"""The parsed reference data is cached by digest and code: a hit is what parsing gives, an edited
file is a miss, and a cache file someone else could have written is never unpickled."""

from __future__ import annotations

import pickle
import shutil

import pytest

from app.reference import cache
from app.reference.catalog import INDICATORS_FILE, read_reference
from tests.conftest import SEEDS


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("POVERTYDB_CACHE_DIR", str(directory))
    return directory


def _same(a, b) -> bool:
    return (a.digest, a.indicators, a.programs, a.gazetteer.units, a.gazetteer.successions) == (
        b.digest,
        b.indicators,
        b.programs,
        b.gazetteer.units,
        b.gazetteer.successions,
    )


def test_a_cached_reference_is_what_parsing_gives_and_is_read_from_the_cache(cache_dir, monkeypatch):
    parsed = read_reference(SEEDS)
    first = cache.read_reference_cached(SEEDS)
    assert _same(first, parsed)
    assert [p.name for p in cache_dir.iterdir()] and oct(cache_dir.stat().st_mode)[-3:] == "700"

    def no_parsing(seeds_dir):
        raise AssertionError("parsed again")

    monkeypatch.setattr(cache, "read_reference", no_parsing)
    assert _same(cache.read_reference_cached(SEEDS), parsed)


def test_an_edited_reference_file_is_parsed_again(cache_dir, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("articles"))
    before = cache.read_reference_cached(seeds)
    indicators = seeds / INDICATORS_FILE
    indicators.write_text(indicators.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = cache.read_reference_cached(seeds)
    assert after.digest != before.digest and _same(after, read_reference(seeds))


def test_a_cache_file_others_may_write_or_a_corrupt_one_is_not_used(cache_dir, monkeypatch):
    cache.read_reference_cached(SEEDS)
    (entry,) = cache_dir.glob("reference-*.pickle")
    parsed = []
    real = cache.read_reference
    monkeypatch.setattr(cache, "read_reference", lambda s: parsed.append(s) or real(s))
    entry.chmod(0o666)
    assert _same(cache.read_reference_cached(SEEDS), real(SEEDS)) and len(parsed) == 1
    entry.write_bytes(pickle.dumps("not a reference")[:5])
    assert _same(cache.read_reference_cached(SEEDS), real(SEEDS)) and len(parsed) == 2


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("POVERTYDB_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _same(cache.read_reference_cached(SEEDS), read_reference(SEEDS))
    assert not (tmp_path / ".cache").exists()
