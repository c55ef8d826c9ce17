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
    assert "one-edit / first" in capsys.readouterr().out
