"""Money in the body as funding items: status and source from the words around the amount."""

from __future__ import annotations

import re

from app.draft.quotes import as_number, left_out_item, quote_around, unique_key
from app.draft.text import fold_keep
from app.mapping.evidence import find_all

_FUNDING_STATUS = [
    ("lent", r"cho vay|vay|du no|giai ngan cho vay"),
    ("mobilised", r"van dong|huy dong|quyen gop|ung ho|xa hoi hoa|dong gop"),
    ("disbursed", r"giai ngan|da chi|kinh phi|tong kinh phi|da ho tro|da dau tu"),
    ("allocated", r"phan bo|bo tri|giao von|duoc giao|cap phat|phe duyet"),
]
_TOTAL = re.compile(r"tong (?:kinh phi|von|nguon von)(?! da)")
_DISBURSED_LATER = re.compile(r"^[^.;]{0,80}?\b(?:da |duoc )?giai ngan\b(?! cho vay)")
_FUNDING_SOURCE = [
    ("policy_bank_credit", r"ngan hang chinh sach|tin dung chinh sach|nhcsxh|von vay|cho vay|vay"),
    ("commercial_banks", r"ngan hang thuong mai"),
    ("central_budget", r"trung uong"),
    ("national_target_program", r"chuong trinh muc tieu quoc gia|mtqg|chuong trinh giam ngheo"),
    ("state_budget", r"ngan sach nha nuoc"),
    ("local_budget", r"ngan sach (?:tinh|huyen|xa|dia phuong)"),
    (
        "social_mobilisation",
        r"xa hoi hoa|van dong|quy an sinh|ung ho|doanh nghiep|nha hao tam|mtcq|quy vi nguoi ngheo",
    ),
]


def draft_funding(
    art, q, sent, clause, prev_end, nxt, status, period, region, notes, out, keys, program_of
) -> None:
    text = art.text
    quote, within = quote_around(art, q, clause.start, prev_end, min(nxt, clause.end), False)
    if quote is None:
        out.left_out.append(left_out_item(art, q, prev_end, nxt, "no unique words to quote"))
        return
    tail = re.split(r"[,;(]", text[q.end : min(nxt, clause.end, q.end + 40)])[0]
    windows = (  # nearest first: since the previous number, just after, the clause, the sentence
        (fold_keep(text[max(clause.start, prev_end) : q.start]), True),
        (fold_keep(tail), False),
        (fold_keep(text[clause.start : q.start]), True),
        (fold_keep(text[sent.start : q.start]), True),
    )
    fstatus = (
        "planned" if status in ("target", "expected") else _nearest(_FUNDING_STATUS, windows, "allocated")
    )
    if (
        fstatus == "disbursed"
        and _TOTAL.search(windows[0][0])
        and _DISBURSED_LATER.match(fold_keep(text[q.end : sent.end]))
    ):
        # "tổng kinh phí … là X, đã giải ngân Y": X is what was there to spend, Y what was spent.
        fstatus = "allocated"
    source = _nearest(_FUNDING_SOURCE, windows, "unspecified")
    item = {"key": unique_key(f"funding-{period[:4]}", keys), "quote": quote}
    if within:
        item["within"] = within
    item["amount_vnd"] = as_number(q.value)
    if q.value_high is not None:
        item["amount_high_vnd"] = as_number(q.value_high)
    if q.qualifier:
        item["qualifier"] = q.qualifier
    item |= {"status": fstatus, "source": source, "period": period, "region": region}
    purpose = re.match(r"\s*(?:để|cho|nhằm)\s+([^;.,\n]{8,300}?)(?=[;.,\n]|$)", text[q.end : sent.end])
    if purpose and find_all(text[art.body[0] : art.body[1]], purpose[1].strip(" ,…")):
        item["purpose"] = purpose[1].strip(" ,…")
    program = program_of(quote, fold_keep(text[sent.start : sent.end]))
    if program:
        item["program"] = program
    guessed = ["source not named: 'unspecified'"] if source == "unspecified" else []
    item["confidence"] = "medium" if notes or guessed else "high"
    if notes or guessed:
        item["review_note"] = "; ".join(notes + guessed)
    out.funding.append(item)


def _nearest(cues: list[tuple[str, str]], windows, default: str) -> str:
    """The label whose cue sits nearest the amount: last in a window before it, first after it."""
    for words, before in windows:
        hits = [
            (m.end() if before else -m.start(), label) for label, pat in cues for m in re.finditer(pat, words)
        ]
        if hits:
            return max(hits)[1]
    return default
