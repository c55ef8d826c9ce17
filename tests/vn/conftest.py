from __future__ import annotations

from tests.conftest import SEEDS


def article(stem: str) -> str:
    return next((SEEDS / "articles").glob(f"{stem}_*.txt")).read_text(encoding="utf-8")
