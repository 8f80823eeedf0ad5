"""Readers: a file's bytes to a Document, the type told by the content, not the name."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from ingest.document import Document
from ingest.errors import UnsupportedFile


def detect_kind(data: bytes) -> str:
    """The file's type from its first bytes: pdf, docx, html or text."""
    head = data[:2048]
    if head.lstrip().startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        return "zip"
    sniff = decode_text(head, strict=False).lstrip().lower()
    if sniff.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in sniff or "<table" in sniff:
        return "html"
    return "text"


def decode_text(data: bytes, *, strict: bool = True) -> str:
    """UTF-8 (with or without BOM), else GB18030, which covers GBK and GB2312."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if strict:
        raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GB18030")
    return data.decode("utf-8", errors="replace")


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read any supported file; refuse what is empty, binary or broken, naming the reason."""
    if data is None:
        data = path.read_bytes()
    if not data.strip():
        raise UnsupportedFile(path, "the file is empty")
    kind = detect_kind(data)
    if kind == "pdf":
        from ingest.readers import pdf

        return pdf.read(path, data)
    if kind == "docx":
        from ingest.readers import docx

        return docx.read(path, data)
    if kind == "zip":
        raise UnsupportedFile(path, "a ZIP archive that is not a Word (.docx) document")
    if _looks_binary(data):
        raise UnsupportedFile(path, "binary data, not a text, HTML, PDF or DOCX report")
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise UnsupportedFile(path, "text in an unknown encoding (neither UTF-8 nor GB18030/GBK)") from None
    if kind == "html":
        from ingest.readers import html

        return html.read(path, text)
    from ingest.readers import text as text_reader

    return text_reader.read(path, text)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(sample) * 0.05
