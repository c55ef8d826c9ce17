"""The drafts of the five seed articles pass the checks, and the eval meets its seed targets."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from app.mapping.schema import Mapping
from app.mapping.verify import verify
from tests.conftest import PROJECT_ROOT, SEEDS

PAGES = sorted((SEEDS / "articles").glob("*.txt"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_the_draft_of_each_seed_passes_check_as_written(drafter, reference, page):
    text = page.read_text(encoding="utf-8")
    raw = drafter.draft(text).to_yaml()
    mapping = Mapping.model_validate(yaml.safe_load(raw))
    verified = verify(
        mapping,
        text,
        reference,
        path=page.with_suffix(".draft.yaml"),
        source_file=page.name,
        mapping_bytes=raw.encode(),
    )
    assert verified.observations and verified.coverage
    assert mapping.report.reviewed is False and mapping.report.drafted_by


def test_the_eval_meets_the_seed_targets():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "eval_drafts.py"), "--repeat", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "found >= 95% (met)" in result.stdout and "every field right >= 85% (met)" in result.stdout, (
        result.stdout
    )
