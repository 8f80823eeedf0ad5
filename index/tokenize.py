"""The one tokenizer, for passages and questions alike: jieba plus the domain dictionary."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from typing import Iterable

import jieba

from config import config_file

# Tokens that carry no meaning for search: punctuation, spaces, and function words.
_NOISE = re.compile(r"^[\W_]+$")
_lock = threading.Lock()
_added: set[str] = set()


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in config_file("stopwords.txt").splitlines() if line.strip())


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba's dictionary is loaded once per process (about half a second)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for line in config_file("userdict.txt").splitlines():
        parts = line.split()
        if parts:
            tokenizer.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
    return tokenizer


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer names found at ingest (bodies such as 城中区), so they stay whole."""
    with _lock:
        tokenizer = _tokenizer()
        for word in words:
            if word and word not in _added:
                tokenizer.add_word(word, 50)
                _added.add(word)


def tokenize(text: str) -> list[str]:
    """Search tokens of a text: jieba's search mode (words and their parts), no stopwords."""
    stop = _stopwords()
    return [
        token
        for token in (t.strip().lower() for t in _tokenizer().cut_for_search(text))
        if token and token not in stop and not _NOISE.match(token)
    ]


def cut(text: str) -> list[str]:
    """A text's words as jieba reads them (no search sub-words, nothing dropped)."""
    return _tokenizer().lcut(text)
