"""A page as received -> the article text to store (UTF-8, NFC) and the metadata it prints.

Text pages are stored as they are (line ends unified, NFC). Saved HTML pages go through
trafilatura, which finds the main text and the page's own metadata (headline, author, date,
site name, canonical URL); the stored text is then the headline, a byline line with the
author and the date, the article's paragraphs and a "Nguồn:" line naming the site, so that
every value the mapping states is printed in the stored text and verifiable.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from app.vn.normalize import nfc

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<\?xml)", re.IGNORECASE)


class PageError(ValueError):
    """The page cannot be drafted: the message says why."""


@dataclass(frozen=True)
class Page:
    text: str
    url: str | None = None
    publisher: str | None = None
    is_html: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or an HTML page's declared charset."""
    if not data.strip():
        raise PageError("the page is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096] or _control_share(data[:4096]) > 0.05:
        raise PageError("this is a binary file, not a text or HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared[1].decode("ascii"))
        except (LookupError, UnicodeDecodeError) as exc:
            raise PageError(f"unknown encoding: the page declares {declared[1].decode()!r} ({exc})") from None
    raise PageError("unknown encoding: the page is not UTF-8 and declares no charset")


def _control_share(data: bytes) -> float:
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(1, len(data))


def read_page(data: bytes, url: str | None = None) -> Page:
    raw = decode(data)
    if _HTML.match(raw):
        return _from_html(raw, url)
    text = nfc(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise PageError("the page is empty")
    if url and url not in text:
        # The address the page was received from is kept with it, so the mapping can cite it.
        text = text.rstrip("\n") + f"\n\nNguồn: {url}\n"
    return Page(text, url=url)


def _from_html(html: str, url: str | None) -> Page:
    import trafilatura  # imported here: plain-text pages never pay for it

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(body.split()) < 30:
        raise PageError("no article found in the HTML page (no main text of 30 words or more)")
    lines = []
    title = getattr(doc, "title", None)
    if title:
        lines += [title.strip(), ""]
    byline = []
    if getattr(doc, "author", None):
        byline.append(doc.author.strip())
    date = _printed(getattr(doc, "date", None))
    if date:
        byline.append(date)
    if byline:
        lines += [" - ".join(byline), ""]
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    if title and paras and paras[0] == title.strip():
        paras = paras[1:]  # the extraction often repeats the headline
    lines += paras
    page_url = url or getattr(doc, "url", None)
    site = getattr(doc, "sitename", None)
    tail = [f"Nguồn: {site}" if site else None, page_url]
    text = _paragraphs(lines) + "\n\n" + "\n".join(t for t in tail if t) + "\n"
    return Page(nfc(text), url=page_url, publisher=site.strip() if site else None, is_html=True)


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(line for line in lines if line)


def _printed(iso: str | None) -> str | None:
    """trafilatura's ISO date as Vietnamese pages print it: 2024-02-27 -> 27/02/2024."""
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return f"{day:%d/%m/%Y}"
