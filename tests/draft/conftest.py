"""Fixtures for the drafter: the reference data once, and pages built from sentences."""

from __future__ import annotations

import pytest
import yaml

from app.draft.draft import Drafter
from app.mapping.schema import Mapping
from app.mapping.verify import verify
from app.reference.catalog import read_reference
from tests.conftest import SEEDS

# A sentence of prose with no number: pages need more than one line of prose to have a body.
FILLER = "Các cấp, các ngành trong tỉnh đã vào cuộc quyết liệt để thực hiện các mục tiêu giảm nghèo đề ra."


@pytest.fixture(scope="session")
def reference():
    return read_reference(SEEDS)


@pytest.fixture(scope="session")
def drafter(reference) -> Drafter:
    return Drafter(reference)


def page(
    *paragraphs: str,
    title: str = "Tỉnh Hà Giang đẩy mạnh công tác giảm nghèo bền vững",
    byline: str = "Ngọc Lan 10/03/2024 - 09:15",
) -> str:
    """A page as news sites print it: section, headline, byline, paragraphs, then chrome."""
    lines = ["Xã hội", "", title, "", byline, ""]
    for p in paragraphs:
        lines += [p, ""]
    lines += ["(0) Bình luận", "Tin liên quan", "Hà Giang: 1.200 hộ thoát nghèo năm 2022 - 12:30, 01/01/2023"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def draft_of(drafter, reference):
    """Draft a page, verify it like `povertydb check` does, and return the mapping dict."""

    def run(text: str) -> dict:
        result = drafter.draft(text)
        raw = result.to_yaml()
        mapping = Mapping.model_validate(yaml.safe_load(raw))
        verify(
            mapping,
            text,
            reference,
            path=SEEDS / "draft.yaml",
            source_file="draft.txt",
            mapping_bytes=raw.encode(),
        )
        return result.mapping

    return run


def figure(mapping: dict, number_text: str) -> dict:
    """The one drafted figure whose quote holds `number_text`."""
    found = [f for f in mapping.get("figures", []) if number_text in f["quote"]]
    assert len(found) == 1, f"{number_text!r} in {[f['quote'] for f in mapping.get('figures', [])]}"
    return found[0]


def left_out(mapping: dict, number_text: str) -> dict:
    found = [x for x in mapping.get("left_out", []) if number_text in x.get("within", x["quote"])]
    assert len(found) == 1, f"{number_text!r} in {mapping.get('left_out')}"
    return found[0]
