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


def word_edges(text: str) -> set[int]:
    """Offsets where jieba's words begin and end: names must match whole words."""
    edges = {0}
    for _, start, end in _tokenizer().tokenize(text):
        edges.update((start, end))
    return edges


@cache
def _place_tagger():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_tokenizer())


# 上海市政府办公厅, 海淀区人民政府: a place before 政府 is a place even where the tagger misses it.
_PLACE_BEFORE_GOVERNMENT = re.compile(r"([\u4e00-\u9fff]{2,3}?(?:省|市|县|区))(?:人民)?政府")


_PLACE_SUFFIX = tuple("省市区县州旗盟镇乡")
# Words that end like a place but name none: 本区, 社区, 辖区...
_NOT_PLACES = frozenset(
    "本区 我区 全区 该区 各区 本市 我市 全市 该市 各市 本县 我县 全县 该县 各县 本省 我省 全省 "
    "社区 小区 地区 城区 市区 辖区 园区 景区 城市 超市 自治区 行政区 乡镇 城乡".split()
)


def places(text: str) -> tuple[list[str], list[str]]:
    """Place names in a text, to notice places no report covers: (sure, maybe).

    Sure: a word jieba tags ns that ends like a place, a word of three or more characters
    ending like a place (盐亭县), a name jieba split from its ending (洪泽 / 区), X市 or X区
    before 政府. Maybe: other words tagged ns (淮安, but also 深度 and 广度).
    """
    tagged = [pair.word for pair in _place_tagger().cut(text) if pair.flag == "ns" and len(pair.word) >= 2]
    found = [word for word in tagged if word.endswith(_PLACE_SUFFIX)]
    words = _tokenizer().lcut(text)
    for word, after in zip(words, words[1:] + [""]):
        if len(word) >= 3 and word.endswith(_PLACE_SUFFIX):
            found.append(word)
        elif len(word) == 2 and len(after) == 1 and after in _PLACE_SUFFIX and not _NOISE.match(word):
            found.append(word + after)
    found += _PLACE_BEFORE_GOVERNMENT.findall(text)
    sure = [p for p in dict.fromkeys(found) if p not in _NOT_PLACES]
    return sure, [word for word in tagged if word not in sure and word not in _NOT_PLACES]
