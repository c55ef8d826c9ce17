"""Statements and their speakers: quoted words and interview answers (direct quotes), and
reported speech introduced by a person and a verb of saying (paraphrase)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.draft.text import Piece
from app.mapping.evidence import find_all
from app.vn.normalize import slugify
from app.vn.people import PersonMention, find_people

_SAYS = re.compile(
    r"\s*(?:\([^()]{0,60}\))?\s*[,–—-]?\s*(?:cho\s+biết|cho\s+rằng|chia\s+sẻ|nhấn\s+mạnh|khẳng\s+định|đánh\s+giá|thông\s+tin|nhận\s+định|"
    r"phát\s+biểu|nói)\s*[:,]?\s*",
    re.IGNORECASE,
)
_OPEN_QUOTE = re.compile(r"[“\"]")
_QUOTE_FIRST = re.compile(r"\s*[“\"]([^”\"]+)[”\"]\s*[,–—-]?\s*$")
_QUESTION = re.compile(r"^(?:PV|Phóng viên|P\.V)\s*:", re.IGNORECASE)


@dataclass
class Speaker:
    key: str
    name: str
    title: str
    organization: str | None


def draft_statements(text: str, body: tuple[int, int], paras: list[Piece], excluded) -> tuple[list, list]:
    """(people, statements) of the body; speakers without a printed name are matched by title
    to a named mention elsewhere in the body, else skipped."""
    b0, b1 = body
    mentions = find_people(text[b0:b1])
    named = [m for m in mentions if m.name and m.title]
    people: dict[str, Speaker] = {}
    statements: list[dict] = []
    in_answer: Speaker | None = None
    body_paras = [p for p in paras if b0 <= p.start and p.end <= b1]
    skip = [(s, e) for s, e, _ in excluded]

    def speaker(m: PersonMention) -> Speaker | None:
        if not m.name:
            match = next(
                (n for n in named if m.title and n.title and n.title.strip() == m.title.strip()), None
            )
            if match is None:
                return None
            m = match
        if not m.title:
            return None
        key = slugify(m.name)
        people.setdefault(key, Speaker(key, m.name, m.title.strip(), m.organization))
        return people[key]

    segments: list[list] = []
    previous_end = -1
    for p in body_paras:
        if any(s <= p.start < e for s, e in skip):
            previous_end = -1  # a caption breaks an answer in two
            continue
        line = text[p.start : p.end]
        if _QUESTION.match(line):
            in_answer = None
            continue
        local = [m for m in mentions if p.start <= m.start + b0 < p.end]
        head = local[0] if local and local[0].start + b0 == p.start else None
        colon = text.find(":", p.start, p.end)
        if head and colon != -1 and colon <= head.end + b0 + 2:
            sp = speaker(head)
            if sp:  # an interview answer: "Ông X, title: ..."
                in_answer = sp
                segments.append([sp, "direct_quote", colon + 1, p.end, True])
                previous_end = p.end
                continue
        if in_answer and not local:
            last = segments[-1] if segments else None
            if last and last[0] is in_answer and last[4] and last[3] == previous_end:
                last[3] = p.end  # the same answer runs on: one statement per contiguous passage
            else:
                segments.append([in_answer, "direct_quote", p.start, p.end, True])
            previous_end = p.end
            continue
        in_answer = None
        for m in local:
            sp = speaker(m)
            if sp is None:
                continue
            after = b0 + m.end
            says = _SAYS.match(text, after, p.end)
            opener = _OPEN_QUOTE.search(text, after, min(p.end, after + 40))
            quoted = _QUOTE_FIRST.match(text, p.start, b0 + m.start)
            if says and quoted:
                # "“…”, ông X, title, cho biết.": the quote comes before its speaker
                segments.append([sp, "direct_quote", quoted.start(1), quoted.end(1), False])
                break
            if says and opener and opener.start() <= says.end() + 1:
                close = re.search(r"[”\"]", text[opener.end() : p.end])
                end = opener.end() + close.start() if close else p.end
                segments.append([sp, "direct_quote", opener.end(), end, False])
                break
            theo = re.search(
                r"(?:^|\s)Theo\s+(?:ông|bà|đồng chí)?\s*$", text[p.start : b0 + m.start], re.IGNORECASE
            )
            if theo and text[after : after + 2].startswith(","):
                segments.append([sp, "paraphrase", after + 1, p.end, False])
                break
            if says:
                segments.append([sp, "paraphrase", says.end(), p.end, False])
                break
    for sp, kind, start, end, _ in segments:
        _add(statements, text, body, sp, kind, start, end)
    return list(people.values()), statements


def _add(statements, text, body, sp: Speaker, kind: str, start: int, end: int) -> None:
    words = text[start:end].strip(' “”"')
    if len(words.split()) < 6:
        return
    start = text.index(words, start)
    end = start + len(words)
    b = text[body[0] : body[1]]
    tokens = words.split()
    head = " ".join(tokens[: min(8, len(tokens))])
    n = 8
    while len(find_all(b, head)) != 1 and n < len(tokens):
        n += 4
        head = " ".join(tokens[:n])
    if len(find_all(b, head)) != 1:
        return
    item = {"key": "", "person": sp.key, "kind": kind, "quote": head}
    if n < len(tokens):
        rel = find_all(b, head)[0][0] + body[0]
        for size in (6, 10, 16, len(tokens)):
            tail = " ".join(tokens[-size:])
            hits = find_all(text, tail, rel + len(head))
            if hits and hits[0][1] == end:
                item["until"] = tail
                break
        else:
            return
    item["key"] = f"{sp.key}-{len([s for s in statements if s['person'] == sp.key]) + 1}"
    statements.append(item)
