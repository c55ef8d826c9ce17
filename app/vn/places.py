"""Place mentions in Vietnamese text and their resolution to official units, in context.

"huyện Na Rì, Chợ Đồn, thành phố Bắc Kạn" gives three mentions; "Trung Hòa" in an article
about Bắc Kạn resolves to the Xã Trung Hoà of Bắc Kạn, not to the one in Hà Nội. "cả nước" is
the country and "Vùng Tây Nguyên", "ĐBSCL" are macro-regions, by the names the index knows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from app.vn.normalize import canonical_tone_marks, normalize_name
from app.vn.units import ABOVE_PROVINCES, AdminUnit, UnitIndex

# Type word as written in running text -> levels it may denote (None: below communes).
# "thành phố" may be a province (Hà Nội) or a district-level city (Bắc Kạn).
TYPE_WORDS: dict[str, tuple[str, ...] | None] = {
    "thành phố": ("province", "district"),
    "tp.": ("province", "district"),
    "thị trấn": ("commune",),
    "đặc khu": ("commune",),
    "thị xã": ("district",),
    "phường": ("commune",),
    "huyện": ("district",),
    "quận": ("district",),
    "tỉnh": ("province",),
    "xã": ("commune",),
    "thôn": None,
    "xóm": None,
    "bản": None,
    "ấp": None,
    "khóm": None,
}
_TYPE_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(t) for t in sorted(TYPE_WORDS, key=len, reverse=True)) + r")(?=\s)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_GAP = re.compile(r"[ \t\u00a0]+")
_LIST_SEP = re.compile(r",[ \t\u00a0]*")


@dataclass(frozen=True)
class PlaceMention:
    type_word: str | None  # as written ("huyện", "TP."); None for a bare known name
    name: str  # as written, without the type word
    start: int
    end: int
    # Levels a mention found by its own name may denote: the country and macro-regions.
    level_hint: tuple[str, ...] | None = None

    @property
    def levels(self) -> tuple[str, ...] | None:
        if self.level_hint is not None:
            return self.level_hint
        if self.type_word is None:
            return ("province", "district")
        return TYPE_WORDS[self.type_word.lower()]

    @property
    def unit_type(self) -> str | None:
        """The official type word this mention names: "TP." -> "Thành phố"."""
        if self.type_word is None:
            return None
        word = "thành phố" if self.type_word.lower() == "tp." else self.type_word.lower()
        return word[0].upper() + word[1:]


def _capitalized_run(text: str, pos: int) -> tuple[str, int]:
    """The run of capitalized words (or a number, "Phường 5") starting at `pos`."""
    words, end = [], pos
    while True:
        m = _WORD.match(text, end)
        if not m or not (m[0][0].isupper() or m[0].isdigit()):
            break
        if words and _TYPE_RE.match(text, m.start()) and m[0][0].isupper():
            break  # "Xã hội" aside, a capitalized type word starts a new mention
        words.append(m[0])
        end = m.end()
        gap = _GAP.match(text, end)
        if not gap:
            break
        end_with_gap = gap.end()
        nxt = _WORD.match(text, end_with_gap)
        if not nxt or not (nxt[0][0].isupper() or nxt[0].isdigit()):
            break
        end = end_with_gap
    return " ".join(words), pos + len(text[pos:end].rstrip())


def find_places(text: str) -> list[PlaceMention]:
    """Mentions introduced by a type word, and the comma-separated names that share it."""
    found: list[PlaceMention] = []
    for m in _TYPE_RE.finditer(text):
        gap = _GAP.match(text, m.end())
        name, end = _capitalized_run(text, gap.end() if gap else m.end())
        if not name:
            continue
        found.append(PlaceMention(m[1], name, m.start(), end))
        while (sep := _LIST_SEP.match(text, end)) and not _TYPE_RE.match(text, sep.end()):
            more, more_end = _capitalized_run(text, sep.end())
            if len(more.split()) < 2:  # unit names have two syllables or more; "Thủ tướng" does not
                break
            found.append(PlaceMention(m[1], more, sep.end(), more_end))
            end = more_end
    return found


def find_known_names(text: str, index: UnitIndex, on: dt.date) -> list[PlaceMention]:
    """Bare province and district names ("Bắc Kạn", "Na Rì") without a type word."""
    found = []
    # Only at the start of a capitalized run: "Hòa Bình" in "Nguyễn Hòa Bình" is a person's name.
    for m in re.finditer(r"(?<![\w])[^\W\d_]", text):
        before = _WORD.match(text, _previous_word_start(text, m.start()))
        if not m[0].isupper() or (before and before.end() < m.start() and before[0][0].isupper()):
            continue
        if found and m.start() < found[-1].end:
            continue
        run, _ = _capitalized_run(text, m.start())
        words = run.split()
        for size in range(min(len(words), 4), 1, -1):  # longest known prefix, two words or more
            candidate = " ".join(words[:size])
            if any(u.level in ("province", "district") for u in index.named(candidate, on)):
                end = m.start() + len(candidate)
                if text[m.start() : end] == candidate:
                    found.append(PlaceMention(None, candidate, m.start(), end))
                break
    return found


def find_regions_above_provinces(text: str, index: UnitIndex, on: dt.date) -> list[PlaceMention]:
    """The country and the macro-regions by their names and aliases, with or without "vùng":
    "cả nước", "toàn quốc", "Việt Nam", "Vùng Tây Nguyên", "Đồng bằng sông Cửu Long", "ĐBSCL"."""
    names = frozenset(n for u in index.above_provinces(on) for n in (u.name, *u.aliases))
    if not names:
        return []
    pattern = _names_pattern(names)
    # Same length as `text` (NFC in, NFC out; only tone marks move), so spans index `text`.
    searchable = canonical_tone_marks(text)
    if len(searchable) != len(text):
        searchable = text
    return [
        PlaceMention(None, text[m.start() : m.end()], m.start(), m.end(), ABOVE_PROVINCES)
        for m in pattern.finditer(searchable)
    ]


@functools.lru_cache(maxsize=16)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One alternation of `names` (longest first), white space matched loosely; built once per
    set of names, since drafting calls this for every sentence."""
    words = (r"\s+".join(re.escape(w) for w in canonical_tone_marks(n).split()) for n in names)
    return re.compile(
        r"(?<!\w)(?:vùng\s+)?(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
    )


def _previous_word_start(text: str, pos: int) -> int:
    """Start of the word before the white space that precedes `pos` (or `pos` itself)."""
    i = pos
    while i > 0 and text[i - 1] in " \t\u00a0":
        i -= 1
    if i == pos:
        return pos
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "'’-"):
        j -= 1
    return j


@dataclass(frozen=True)
class ResolvedPlace:
    mention: PlaceMention
    unit: AdminUnit | None
    candidates: tuple[AdminUnit, ...]


def resolve_places(
    mentions: list[PlaceMention], index: UnitIndex, on: dt.date, context: tuple[str, ...] = ()
) -> list[ResolvedPlace]:
    """Resolve every mention to one unit valid on `on` where the text allows it.

    Candidates match the name (either tone-mark convention, exact spelling preferred) and a
    level the type word allows. Ambiguous mentions are settled by context: the codes (and
    their ancestors) of mentions already unambiguous, plus `context`, until nothing changes.
    """
    options, trimmed = [], []
    for mention in mentions:
        mention, found = _candidates(mention, index, on)
        trimmed.append(mention)
        exact = [u for u in found if normalize_name(u.bare_name) == normalize_name(mention.name)]
        found = exact or found
        typed = [u for u in found if u.unit_type == mention.unit_type]
        provinces = [u for u in found if u.level == "province"]
        # A bare "Bắc Kạn" is the province; "thành phố Bắc Kạn" the city.
        options.append(typed or (provinces if mention.type_word is None else []) or found)
    mentions = trimmed
    known = set(context)
    chosen: list[AdminUnit | None] = [None] * len(mentions)
    progress = True
    while progress:
        progress = False
        for i, cands in enumerate(options):
            if chosen[i] is not None or not cands:
                continue
            narrowed = cands if len(cands) == 1 else [u for u in cands if known & _lineage(u, index)]
            if len(narrowed) == 1:
                chosen[i] = narrowed[0]
                known |= _lineage(narrowed[0], index)
                progress = True
    return [ResolvedPlace(m, u, tuple(c)) for m, u, c in zip(mentions, chosen, options, strict=True)]


def _candidates(mention: PlaceMention, index: UnitIndex, on: dt.date) -> tuple[PlaceMention, list[AdminUnit]]:
    """Units for the mention's name; else for its longest known prefix, the mention trimmed to it
    ("huyện Đồng Hỷ Lê Thị Thu Hà": the capitalized run ran on into a person's name)."""
    levels = mention.levels
    if levels is None:
        return mention, []
    words = mention.name.split()
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size])
        found = [u for u in index.named(name, on) if u.level in levels]
        if found:
            if size < len(words):
                cut = mention.end - (len(mention.name) - len(name))
                mention = PlaceMention(mention.type_word, name, mention.start, cut)
            return mention, found
    return mention, []


def _lineage(unit: AdminUnit, index: UnitIndex) -> set[str]:
    return {unit.code, *index.ancestors(unit)}


def recognize_places(
    text: str, index: UnitIndex, on: dt.date, context: tuple[str, ...] = ()
) -> list[ResolvedPlace]:
    """Typed mentions, the country and macro-regions, and bare province or district names,
    resolved together, in text order."""
    above = find_regions_above_provinces(text, index, on)
    # "các tỉnh Tây Nguyên", "13 tỉnh ĐBSCL": provinces of a region, unless a unit has that name.
    typed = [
        m
        for m in find_places(text)
        if not (
            _candidates(m, index, on)[1] == [] and any(a.start <= m.end - len(m.name) < a.end for a in above)
        )
    ]
    spans = [(m.start, m.end) for m in typed]
    above = [a for a in above if not _overlaps(a, spans)]
    spans += [(m.start, m.end) for m in above]
    bare = [b for b in find_known_names(text, index, on) if not _overlaps(b, spans)]
    mentions = sorted(typed + above + bare, key=lambda m: m.start)
    return resolve_places(mentions, index, on, context)


def _overlaps(mention: PlaceMention, spans: list[tuple[int, int]]) -> bool:
    return any(mention.start < e and s < mention.end for s, e in spans)
