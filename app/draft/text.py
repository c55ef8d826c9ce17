"""Text helpers for the drafter: a same-length folded copy for cue search, sentences, clauses."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.vn.numbers import canonical_spelling


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 and base.isascii() else (" " if ch.isspace() else base)


class _FoldTable(dict):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold_char(chr(code))
        return self[code]


_TABLE = _FoldTable()


def fold_keep(text: str) -> str:
    """Lowercase ASCII fold with the same length as `text`, so offsets carry over. The i/y
    spellings are the toolkit's (canonical_spelling): "Tỉ lệ" and "tỷ lệ" both give "ty le";
    non-breaking spaces become spaces."""
    return canonical_spelling(text).translate(_TABLE)


def fold_phrase(phrase: str) -> str:
    return " ".join(fold_keep(phrase).split())


@dataclass(frozen=True)
class Piece:
    start: int
    end: int


# "…" ends a sentence only before a capital: "vốn, con giống… cho 108 hộ" runs on.
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"]?\s+|(?<=…)[”\"]?\s+(?=[A-ZĐÀ-Ỹ])|\n+")
_CLAUSE_END = re.compile(r"[;]\s*|(?<=[.!?])[”\"]?\s+|(?<=…)[”\"]?\s+(?=[A-ZĐÀ-Ỹ])|\n+")


def _split(text: str, start: int, end: int, pattern: re.Pattern) -> list[Piece]:
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            out.append(Piece(pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append(Piece(pos, end))
    return out


def sentences(text: str, start: int, end: int) -> list[Piece]:
    return _split(text, start, end, _SENTENCE_END)


def clauses(text: str, start: int, end: int) -> list[Piece]:
    return _split(text, start, end, _CLAUSE_END)


def containing(pieces: list[Piece], pos: int) -> Piece | None:
    for p in pieces:
        if p.start <= pos < p.end:
            return p
    return None


def paragraphs(text: str) -> list[Piece]:
    """Non-empty lines, stripped."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(Piece(pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def word_start_before(text: str, pos: int, floor: int) -> int:
    """Start of the word at or before `pos`, never before `floor`."""
    while pos > floor and not text[pos - 1].isspace():
        pos -= 1
    return pos
