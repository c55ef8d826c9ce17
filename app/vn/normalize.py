"""Unicode normalization, one tone-mark convention, and ASCII folding for search.

Text is stored exactly as printed (NFC); these functions derive matching keys from it.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (NFD combining marks)
# "hoà"/"hòa", "khoẻ"/"khỏe", "thuỷ"/"thủy": in a syllable-final oa/oe/uy the mark may sit on
# either vowel. Move it to the first one (the more common press convention). "qu" + y is not
# a diphthong ("quý"), and a following letter ("hoàng", "huỳnh") leaves nothing ambiguous.
_SECOND_VOWEL_TONE = re.compile(rf"(?<![qQ])([oO][aAeE]|[uU][yY])([{_TONES}])(?![\w\u0300-\u036f])")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_text(raw: str) -> str:
    """The stored form of a page: no byte-order mark, LF line endings, NFC.

    Offsets index this text, so a page saved with a BOM or CRLF (Windows) line endings loads to
    the same text, offsets and evidence as the same page saved plainly.
    """
    return nfc(raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


def canonical_tone_marks(text: str) -> str:
    """Fold the two tone-mark conventions to one: "Trung Hoà" -> "Trung Hòa" (NFC out)."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _SECOND_VOWEL_TONE.sub(lambda m: m.group(1)[0] + m.group(2) + m.group(1)[1], decomposed)
    return nfc(moved)


def squash_spaces(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) and trim."""
    return _SPACES.sub(" ", text).strip()


def normalize_name(text: str) -> str:
    """NFC, one tone-mark convention, single spaces: the comparable form of a printed name."""
    return squash_spaces(canonical_tone_marks(nfc(text)))


def fold(text: str) -> str:
    """ASCII search key: "Bắc Kạn" -> "bac kan", "Đồng Hỷ" -> "dong hy". Never raises."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = unicodedata.normalize("NFKD", stripped).encode("ascii", "ignore").decode("ascii")
    return squash_spaces(ascii_only.lower())


def slugify(text: str) -> str:
    """ "Phạm Duy Hưng" -> "pham-duy-hung"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
