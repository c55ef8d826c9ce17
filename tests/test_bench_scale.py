"""The scale benchmark runs end to end on a tiny corpus (a smoke test: its timings are not judged)."""

from __future__ import annotations

import importlib.util

from app.settings import PROJECT_ROOT


def _bench_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", PROJECT_ROOT / "scripts" / "bench_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scale_benchmark_loads_a_small_synthetic_corpus_and_prints_its_ratios(
    server_url, tmp_path, monkeypatch, capsys
):
    bench = _bench_scale()
    corpus = bench.make_corpus(tmp_path / "seeds", 12)
    assert len(list((corpus / "articles").glob("*.yaml"))) == 12
    monkeypatch.setenv("DATABASE_URL", server_url)
    monkeypatch.setenv("BENCH_TMP", str(tmp_path))
    result = bench.main(["-n", "8", "--skip-workers"])
    assert result["no-op / first"] > 0 and result["raw COPY of the same rows s"] > 0
    out = capsys.readouterr().out
    assert "one-edit / first" in out and result["one figure-edit / first"] > 0
    assert result["no-op right after / first"] > 0 and "VACUUM (ANALYZE)" in out
    # The figure edit changes one figure's status, and undoing it gives back the file as made.
    first = sorted((corpus / "articles").glob("*.yaml"))[0]
    as_made = first.read_text(encoding="utf-8")
    bench.edit_figure(corpus)
    edited = first.read_text(encoding="utf-8")
    assert edited != as_made and edited.count("status: actual") == as_made.count("status: actual") + 1
    bench.edit_figure(corpus, undo=True)
    assert first.read_text(encoding="utf-8") == as_made
    assert "foreign keys (to the loaded reference tables and copied reports)" in out


def test_the_one_core_run_pins_the_bench_and_restores_it_and_says_an_external_server_is_not_pinned():
    import os

    bench = _bench_scale()
    mine = os.sched_getaffinity(0)
    with bench.one_core() as server_pinned:
        assert os.sched_getaffinity(0) == {min(mine)}
    assert os.sched_getaffinity(0) == mine
    assert not server_pinned  # no embedded server of the bench's own here
    legend = bench._legend({"1-core load: server pinned too": 0.0})
    assert legend == ["1 worker: the loader pinned to one CPU; the server is external and was NOT pinned"]
