"""A text file's encoding: UTF-8, UTF-16 (with or without a byte-order mark), GB18030 or Big5.

GB18030 decodes almost any bytes, Big5 ones included, so between the Chinese encodings the
one whose text reads as Chinese wins: the share of characters that are common ones (the
first level of GB2312 or of Big5, which hold the characters of everyday text), ASCII or
Chinese punctuation. Text in the wrong encoding is mostly rare characters, kana and symbols.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

__all__ = ["UnknownEncoding", "decode_text"]

# Enough characters to tell the encodings apart; the whole file is decoded once chosen.
_SAMPLE_BYTES = 32_768
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# Big5 as Windows writes it (cp950), else with the Hong Kong additions.
_CHINESE = (("gb18030", "gb18030"), ("cp950", "big5"), ("big5hkscs", "big5"))
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x1b")
# UTF-16 text reads as text this well at least; binary data that happens to decode does not.
_READS_AS_TEXT = 0.8


class UnknownEncoding(ValueError):
    """Bytes that are no text in any encoding reports are written in; the message says why."""


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: utf-8, utf-16-le, utf-16-be, gb18030 or big5."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError:
                raise UnknownEncoding(f"text marked as {name.upper()} by its first bytes, but not valid {name.upper()}") from None
    sample = data[:_SAMPLE_BYTES]
    if b"\x00" in sample:
        # ASCII in UTF-16 is half zero bytes; without a byte-order mark, try both byte orders.
        found = _best(data, (("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")))
        if found is None or found[2] < _READS_AS_TEXT:
            raise UnknownEncoding("binary data, not a text, HTML, PDF or DOCX report")
        return found[0], found[1]
    if sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS) > len(sample) * 0.05:
        raise UnknownEncoding("binary data, not a text, HTML, PDF or DOCX report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = _best(data, _CHINESE)
    if found is None:
        raise UnknownEncoding("text in an unknown encoding (neither UTF-8, UTF-16, GB18030 nor Big5)")
    return found[0], found[1]


def _best(data: bytes, candidates: tuple[tuple[str, str], ...]) -> tuple[str, str, float] | None:
    """The decoding that reads best, by its share of readable characters; None if none decodes."""
    best: tuple[str, str, float] | None = None
    tried: set[str] = set()
    for codec, name in candidates:
        if name in tried:
            continue  # Big5 decoded already: its Hong Kong superset adds nothing
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        tried.add(name)
        score = readable_share(text[: _SAMPLE_BYTES // 2])
        if best is None or score > best[2]:
            best = (text, name, score)
    return best


def readable_share(text: str) -> float:
    """The share of non-blank characters that are ASCII, punctuation or common Chinese characters."""
    counted = readable = 0
    for char in text:
        if char.isspace():
            continue
        counted += 1
        readable += _readable(char)
    return readable / counted if counted else 0.0


@lru_cache(maxsize=20_000)
def _readable(char: str) -> bool:
    code = ord(char)
    if code < 0x80:
        return char.isprintable()
    if 0x2000 <= code <= 0x206F or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return True  # punctuation: “”、。《》（），full-width digits
    if not 0x4E00 <= code <= 0x9FFF:
        return False
    try:
        gb = char.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xD7:  # GB2312 level 1: the 3,755 commonest characters
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA440 <= int.from_bytes(char.encode("big5"), "big") <= 0xC67E  # Big5's 5,401 common ones
    except UnicodeEncodeError:
        return False
