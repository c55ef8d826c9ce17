"""The last step of a draft: verify it like `povertydb check` does, and turn each fact the
checker rejects into a `left_out` passage that says so, so that every draft loads unedited.

The checker is app/mapping's own; a rejected figure is never silently dropped: its number
stays in the mapping, under `left_out`, with the checker's complaint as the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.mapping.evidence import find_all
from app.mapping.schema import Mapping
from app.mapping.verify import verify
from app.reference.catalog import Reference
from app.reference.errors import MappingError

_WHERE = re.compile(r"^(figures|funding|statements|left_out|people)\[(\d+)\]")
_COVERAGE = re.compile(r"^coverage: '([^']+)' on line (\d+)")


def problems_of(mapping: dict, text: str, ref: Reference) -> list[str]:
    try:
        verify(
            Mapping.model_validate(mapping),
            text,
            ref,
            path=Path("draft.yaml"),
            source_file="draft.txt",
            mapping_bytes=repr(mapping).encode("utf-8"),
        )
    except MappingError as exc:
        return exc.problems
    except ValueError as exc:  # pydantic: the draft does not parse as a mapping
        return [f"schema: {exc}"]
    return []


def repair(mapping: dict, text: str, body: tuple[int, int], ref: Reference, reviews: list[str]) -> dict:
    """Up to three rounds of: verify, move rejected facts to left_out, leave out stray numbers."""
    for _ in range(3):
        problems = problems_of(mapping, text, ref)
        if not problems:
            return mapping
        drop: dict[str, set[int]] = {}
        for problem in problems:
            where = _WHERE.match(problem)
            if where:
                drop.setdefault(where[1], set()).add(int(where[2]))
                if where[1] in ("figures", "funding"):
                    item = mapping[where[1]][int(where[2])]
                    passage = {k: item[k] for k in ("quote", "within") if k in item}
                    reason = "the drafter could not verify it, check it: " + problem.split(": ", 1)[-1][:120]
                    mapping.setdefault("left_out", []).append(passage | {"reason": reason})
                    reviews.append(f"{where[1]} {item['key']}: moved to left_out: {problem[:160]}")
                continue
            stray = _COVERAGE.match(problem)
            if stray:
                passage = _passage(text, body, stray[1], int(stray[2]))
                if passage:
                    mapping.setdefault("left_out", []).append(
                        passage | {"reason": "a number the drafter missed"}
                    )
                    reviews.append(f"left_out: {stray[1]!r} on line {stray[2]} was missed; check it")
        for name, indexes in drop.items():
            mapping[name] = [x for i, x in enumerate(mapping.get(name, [])) if i not in indexes]
            if not mapping[name]:
                del mapping[name]
        used = {s["person"] for s in mapping.get("statements", [])}
        if "people" in mapping:
            mapping["people"] = [p for p in mapping["people"] if p["key"] in used] or None
            if mapping["people"] is None:
                del mapping["people"]
    return mapping


def _passage(text: str, body: tuple[int, int], token: str, line_no: int) -> dict | None:
    """Words around `token` on line `line_no`, unique in the body (or inside a unique line)."""
    lines = text.split("\n")
    if not 0 < line_no <= len(lines):
        return None
    line = lines[line_no - 1].strip()
    words = line.split()
    at = [i for i, w in enumerate(words) if token in w]
    if not at:
        return None
    b = text[body[0] : body[1]]
    for span in (2, 4, 7, 12):
        quote = " ".join(words[max(0, at[0] - span) : at[0] + span + 1])
        if len(find_all(b, quote)) == 1:
            return {"quote": quote}
    if len(find_all(b, line)) == 1 and len(find_all(line, words[at[0]])) == 1:
        return {"quote": words[at[0]], "within": line}
    return None
