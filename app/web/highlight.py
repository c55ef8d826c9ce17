"""The stored page text as HTML, with each fact marked at its exact code-point span.

Offsets are 0-based code-point offsets, which is what Python's str slicing counts, so the HTML
is cut server-side from the very text the offsets point into. Spans may nest (a statement holds
a figure) or overlap partly (two figures sharing a word): the text is cut at every span boundary,
and each piece opens the spans covering it in one fixed order, so the markup always nests; a span
that must be closed early to keep nesting valid is reopened as a continuation piece.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup, escape

KIND_ORDER = {"zone": 0, "statement": 1, "funding": 2, "figure": 2}


@dataclass(frozen=True)
class Span:
    """A stretch of the text to mark: a fact (anchor is its HTML id) or a body/chrome zone."""

    anchor: str
    start: int
    end: int
    kind: str  # zone, statement, figure or funding
    tip: str = ""  # popover text of a fact: one "label: value" per line
    css: str = ""

    def order(self) -> tuple:
        return (KIND_ORDER[self.kind] > 0, self.start, -self.end, KIND_ORDER[self.kind], self.anchor)


def zones(length: int, body_start: int | None, body_end: int | None) -> list[Span]:
    """The body, and the page chrome before and after it."""
    if body_start is None or body_end is None:
        return [Span("body", 0, length, "zone", css="zone zone-body")]
    out = [Span("body", body_start, body_end, "zone", css="zone zone-body")]
    if body_start > 0:
        out.append(Span("chrome-top", 0, body_start, "zone", css="zone zone-chrome"))
    if body_end < length:
        out.append(Span("chrome-bottom", body_end, length, "zone", css="zone zone-chrome"))
    return out


def _open(span: Span, first: bool) -> str:
    if span.kind == "zone":
        return f'<span class="{span.css}" data-zone="{span.anchor}">'
    classes = f"fact fact-{span.kind}" + ("" if first else " cont")
    attrs = f' class="{classes}" data-fact="{escape(span.anchor)}"'
    if first:
        attrs += (
            f' id="{escape(span.anchor)}" tabindex="0" data-tip="{escape(span.tip)}"'
            f' aria-describedby="row-{escape(span.anchor)}"'
        )
    return f"<mark{attrs}>"


def _close(span: Span) -> str:
    return "</span>" if span.kind == "zone" else "</mark>"


def render(text: str, spans: list[Span]) -> Markup:
    """`text` as escaped HTML with every span marked; spans outside the text are an error."""
    for s in spans:
        if not 0 <= s.start <= s.end <= len(text):
            raise ValueError(f"span {s.anchor} [{s.start}, {s.end}) lies outside the text ({len(text)})")
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    ordered = sorted(spans, key=Span.order)
    opened: set[str] = set()
    stack: list[Span] = []
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in ordered if s.start <= a and b <= s.end]
        keep = 0
        while keep < min(len(stack), len(covering)) and stack[keep] is covering[keep]:
            keep += 1
        out.extend(_close(s) for s in reversed(stack[keep:]))
        del stack[keep:]
        for s in covering[keep:]:
            out.append(_open(s, s.anchor not in opened))
            opened.add(s.anchor)
            stack.append(s)
        out.append(str(escape(text[a:b])))
    out.extend(_close(s) for s in reversed(stack))
    return Markup("".join(out))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) of `text` around [start, end).

    A full stop ends a sentence only before whitespace: Vietnamese numbers use "." as the
    thousands separator ("18.300"), which is followed by a digit.
    """
    lo = start
    while lo > 0 and text[lo - 1] != "\n" and not (lo >= 2 and _ends_sentence(text, lo - 2)):
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] != "\n" and not _ends_sentence(text, hi):
        hi += 1
    if hi < len(text) and text[hi] in ".!?":
        hi += 1
    return lo, hi


def _ends_sentence(text: str, i: int) -> bool:
    return text[i] in ".!?" and (i + 1 == len(text) or text[i + 1].isspace())
