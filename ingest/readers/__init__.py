"""Readers: a file's bytes to a Document, the type told by the content, not the name."""

from __future__ import annotations

import os
import stat
import zipfile
from io import BytesIO
from pathlib import Path

from config import Limits
from ingest.document import Document, Paragraph
from ingest.errors import UnsupportedFile
from ingest.limits import check_table_cells, current_limits, megabytes, over_limit
from ingest.readers.encoding import UnknownEncoding, decode_text

__all__ = ["decode_text", "detect_kind", "read_bytes", "read_document"]

# What a file that is not a regular one is, for the refusal.
_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def read_bytes(path: Path, limits: Limits) -> bytes:
    """A regular file's bytes, its size checked before it is read; a FIFO or device is never opened."""
    _check_regular(path, os.stat(path), limits)
    # O_NONBLOCK: should the path become a FIFO after the stat, opening it does not hang.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        _check_regular(path, status, limits)
        largest = limits.max_file_mb * 1024 * 1024
        # read(n) sets aside n bytes at once: ask for the size the stat gave, and one more.
        data = file.read(status.st_size + 1)
        if len(data) > status.st_size:  # it grew after the stat: read on, within the limit
            data += file.read(largest + 1 - len(data))
    if len(data) > largest:
        raise over_limit(path, "grew while it was read", f"{limits.max_file_mb} MB", "max_file_mb")
    return data


def _check_regular(path: Path, status: os.stat_result, limits: Limits) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _FILE_TYPES if test(status.st_mode)), "a special file")
        raise UnsupportedFile(path, f"not a regular file ({kind})")
    if status.st_size > limits.max_file_mb * 1024 * 1024:
        raise over_limit(path, f"is {megabytes(status.st_size)}", f"{limits.max_file_mb} MB", "max_file_mb")


def detect_kind(data: bytes) -> str:
    """The file's type from its content: pdf, docx, zip, html or text."""
    kind = _container_kind(data)
    if kind is not None:
        return kind
    try:
        text, _ = decode_text(data)
    except UnknownEncoding:
        return "text"
    return _text_kind(text)


def _container_kind(data: bytes) -> str | None:
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
    return None


def _text_kind(text: str) -> str:
    sniff = text[:2048].lstrip().lower()
    if sniff.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in sniff or "<table" in sniff:
        return "html"
    return "text"


def read_document(path: Path, data: bytes | None = None, limits: Limits | None = None) -> Document:
    """Read any supported file; refuse what is empty, binary, broken or over a limit, naming the reason."""
    limits = limits or current_limits()
    if data is None:
        data = read_bytes(path, limits)
    elif len(data) > limits.max_file_mb * 1024 * 1024:
        raise over_limit(path, f"is {megabytes(len(data))}", f"{limits.max_file_mb} MB", "max_file_mb")
    if not data.strip():
        raise UnsupportedFile(path, "the file is empty")
    document = _read(path, data, limits)
    _check_size(path, document, limits)
    return document


def _read(path: Path, data: bytes, limits: Limits) -> Document:
    kind = _container_kind(data)
    if kind == "pdf":
        from ingest.readers import pdf

        return pdf.read(path, data, limits)
    if kind == "docx":
        from ingest.readers import docx

        return docx.read(path, data, limits)
    if kind == "zip":
        raise UnsupportedFile(path, "a ZIP archive that is not a Word (.docx) document")
    try:
        text, encoding = decode_text(data)
    except UnknownEncoding as error:
        raise UnsupportedFile(path, str(error)) from None
    if not text.strip():
        raise UnsupportedFile(path, "the file is empty")
    if _text_kind(text) == "html":
        from ingest.readers import html

        document = html.read(path, text, limits)
    else:
        from ingest.readers import text as text_reader

        document = text_reader.read(path, text)
    document.hints["encoding"] = encoding
    return document


def _check_size(path: Path, document: Document, limits: Limits) -> None:
    """Bound the work after reading: the text of a report and the cells of its tables."""
    chars = 0
    for block in document.blocks:
        if isinstance(block, Paragraph):
            chars += len(block.text)
            continue
        check_table_cells(path, sum(len(row) for row in block.rows), limits.max_table_cells)
        chars += sum(len(cell) for row in block.rows for cell in row if cell)
    if chars > limits.max_text_chars:
        raise over_limit(path, f"{chars:,} characters of text", f"{limits.max_text_chars:,}", "max_text_chars")

