"""China's administrative divisions, to tell a place from a word and one body's place from another's.

A body's place is read from the front of its name (淮安市洪泽区人民政府 → 洪泽区, within 淮安市);
a question's places are the divisions it names, by full name (洪泽区) or short name (洪泽). A
question about a place is about that place's bodies only: 柳州市 is not 柳州市城中区, and
西宁市城中区 is not 柳州市城中区.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from config import config_file

# Endings of a division's name, longest first; the short name is what stands before them.
ENDINGS = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
    "地区", "林区", "新区", "省", "市", "区", "县", "盟", "旗",
)
# Divisions that stand in front of a body's name (江苏省淮安市 in 江苏省淮安市洪泽区人民政府).
ABOVE_ENDINGS = ("自治区", "自治州", "地区", "省", "市", "盟")
# The last character of any place's name, towns included: what a word ending like a place ends with.
LAST_CHARACTERS = frozenset(e[-1] for e in ENDINGS) | {"镇", "乡"}
# Short names that are everyday words first (和平 is peace, 城中 is in 城中村).
_NOT_SHORT_NAMES = frozenset(
    "和平 新华 城中 城东 城西 城南 城北 市中 中心 开发 高新 经济 新城 老城 城关 郊区 矿区 城区 "
    "长安 永安 平安 安全 东方 南方 北方 西方 中山 白云 青山 红旗 新市 东风 前进 胜利 建设 文化 "
    "普通 通用 和谐 团结 友谊 解放 人民 光明 民主 黄山 大同 太平 太和 永和 和顺 吉利".split()
)
# Ethnic names inside an autonomous division's name: 延边朝鲜族自治州 → 延边.
_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,5}?族)+$")


@dataclass(frozen=True)
class Place:
    code: str  # six digits: province (2), city (2), county (2)
    name: str

    @property
    def level(self) -> int:
        """1 for a province, 2 for a city, 3 for a county or district."""
        return 1 if self.code.endswith("0000") else 2 if self.code.endswith("00") else 3

    def contains(self, other: "Place") -> bool:
        """Whether `other` is this place or lies within it."""
        prefix = self.code[: 2 * self.level]
        return other.code.startswith(prefix)


@dataclass(frozen=True)
class Gazetteer:
    by_name: dict[str, tuple[Place, ...]]  # full names and short names
    longest: int

    def places(self, name: str) -> tuple[Place, ...]:
        return self.by_name.get(name, ())

    def mentions(self, text: str, edges: set[int] | None = None) -> list[tuple[int, int, tuple[Place, ...]]]:
        """Divisions named in a text, longest first at each position, without overlaps.

        A short name (洪泽) counts only where it stands as a whole word (`edges`), so that
        城中村 or 和平 are not places; a full name (洪泽区) counts anywhere.
        """
        found: list[tuple[int, int, tuple[Place, ...]]] = []
        position = 0
        while position < len(text):
            for length in range(min(self.longest, len(text) - position), 1, -1):
                word = text[position : position + length]
                places = self.by_name.get(word)
                if not places:
                    continue
                full = any(p.name == word for p in places)
                if not full and edges is not None and (position not in edges or position + length not in edges):
                    continue
                found.append((position, position + length, places))
                position += length - 1
                break
            position += 1
        return found

    def leading(self, name: str) -> list[tuple[str, tuple[Place, ...]]]:
        """The divisions a body's name starts with, in order: 江苏省淮安市洪泽区人民政府 → 江苏省, 淮安市, 洪泽区."""
        chain: list[tuple[str, tuple[Place, ...]]] = []
        rest = name
        while rest:
            for length in range(min(self.longest, len(rest)), 1, -1):
                places = tuple(p for p in self.by_name.get(rest[:length], ()) if p.name == rest[:length])
                if places:
                    chain.append((rest[:length], places))
                    rest = rest[length:]
                    break
            else:
                break
        return chain


def short_name(name: str) -> str | None:
    """What people call a division without its ending (淮安市 → 淮安), or None when that is no name."""
    for ending in ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            stem = _ETHNIC.sub("", name[: -len(ending)]) or name[: -len(ending)]
            if len(stem) >= 2 and stem not in _NOT_SHORT_NAMES:
                return stem
            return None
    return None


@cache
def gazetteer() -> Gazetteer:
    """The divisions in config/places.tsv, loaded once per process."""
    by_name: dict[str, list[Place]] = {}
    for line in config_file("places.tsv").splitlines():
        if not line or line.startswith("#"):
            continue
        code, name = line.split("\t")
        place = Place(code, name)
        by_name.setdefault(name, []).append(place)
        short = short_name(name)
        if short:
            by_name.setdefault(short, []).append(place)
    return Gazetteer({k: tuple(v) for k, v in by_name.items()}, max(map(len, by_name)))


def body_place(name: str) -> tuple[Place, ...]:
    """The places a body's name puts it in, most specific first; () when its name names none.

    The divisions at the front of the name narrow each other down (城中区 alone is in 柳州 or
    西宁; 柳州市城中区 is the one in 柳州). Several places remain only when the name cannot tell.
    """
    candidates: tuple[Place, ...] = ()
    for _, places in gazetteer().leading(name):
        if not candidates:
            candidates = places
            continue
        narrowed = tuple(p for p in places if any(c.contains(p) for c in candidates))
        if not narrowed:
            break  # 上海市 then a word that happens to be a county elsewhere: keep what was sure
        candidates = narrowed
    return candidates
