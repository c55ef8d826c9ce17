"""Adding a page to the articles directory: a stable name, the draft beside it, checks first.

The text is stored as NNN_<16 hex>.txt, where NNN is the next free sequence number and the hex
is the start of the SHA-256 of the stored text (UTF-8, NFC): the same page always gets the same
hex, so a page added twice is recognised. Nothing is written unless the draft passes every
check `povertydb check` runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.draft.draft import Draft, Drafter, NoArticle
from app.draft.page import Page, PageError, read_page
from app.mapping.schema import Mapping
from app.mapping.verify import VerifiedReport, verify
from app.reference.catalog import Reference
from app.reference.errors import MappingError
from app.vn.normalize import nfc

_NAME = re.compile(r"^(\d{3})_([0-9a-f]{16})\.txt$")


class AddError(ValueError):
    """The page was not added; the message says why. Nothing was written."""


@dataclass
class Added:
    text_path: Path
    mapping_path: Path
    draft: Draft
    verified: VerifiedReport


def operator_date(value: str) -> str:
    """ "2024-02-27" or "27/02/2024" -> "27/02/2024" (as the drafter reads printed dates)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return f"{dt.datetime.strptime(value.strip(), fmt).date():%d/%m/%Y}"
        except ValueError:
            continue
    raise AddError(f"--published {value!r}: expected a date like 2024-02-27 or 27/02/2024")


def prepare(
    data: bytes, ref: Reference, *, url: str | None = None, published: str | None = None
) -> tuple[Page, Draft, VerifiedReport]:
    """Read, draft and verify a page in memory. Raises AddError."""
    try:
        page = read_page(data, url)
        draft = Drafter(ref).draft(page.text, url=page.url, published=published, publisher=page.publisher)
    except (PageError, NoArticle) as exc:
        raise AddError(str(exc)) from None
    raw = draft.to_yaml()
    try:
        mapping = Mapping.model_validate(yaml.safe_load(raw))
        verified = verify(
            mapping,
            page.text,
            ref,
            path=Path("draft.yaml"),
            source_file="draft.txt",
            mapping_bytes=raw.encode("utf-8"),
        )
    except MappingError as exc:
        raise AddError(
            "the draft does not pass the checks (a drafter bug):\n  " + "\n  ".join(exc.problems)
        ) from None
    return page, draft, verified


def add_article(
    data: bytes, articles_dir: Path, ref: Reference, *, url: str | None = None, published: str | None = None
) -> Added:
    page, draft, verified = prepare(data, ref, url=url, published=published)
    digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()
    articles_dir.mkdir(parents=True, exist_ok=True)
    numbers = []
    for existing in sorted(articles_dir.glob("*.txt")):
        m = _NAME.match(existing.name)
        if m:
            numbers.append(int(m[1]))
        same = (m and m[2] == digest[:16]) or _sha(existing) == digest
        if same:
            raise AddError(f"page already added as {existing} (same content hash)")
    stem = f"{(max(numbers) + 1) if numbers else 0:03d}_{digest[:16]}"
    text_path, mapping_path = articles_dir / f"{stem}.txt", articles_dir / f"{stem}.yaml"
    write_whole(text_path, page.text)
    try:
        write_whole(mapping_path, draft.to_yaml())
    except OSError:
        text_path.unlink(missing_ok=True)
        raise
    verified.report["source_file"] = text_path.name
    return Added(text_path, mapping_path, draft, verified)


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(nfc(path.read_text(encoding="utf-8")).encode("utf-8")).hexdigest()
    except (OSError, UnicodeDecodeError):
        return ""


def write_whole(path: Path, text: str) -> None:
    """Whole file or nothing: write a temporary file beside it, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".adding-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
