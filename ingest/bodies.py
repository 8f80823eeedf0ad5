"""Names of issuing bodies: one body keeps one identity whatever prefix a report prints."""

from __future__ import annotations

import re

from ingest.places import ABOVE_ENDINGS

_PLACE = rf"[\u4e00-\u9fff]{{2,8}}?(?:{'|'.join(ABOVE_ENDINGS)})"
_LEADING_PLACES = re.compile(rf"^(?:{_PLACE})+(?=[\u4e00-\u9fff]{{2,}})")
_GOVERNMENT = re.compile(r"人民政府$")


def short_name(name: str) -> str:
    """What people call a body: 淮安市洪泽区人民政府 → 洪泽区, 淮安市人民政府 → 淮安市."""
    core = _GOVERNMENT.sub("", name) or name
    stripped = _LEADING_PLACES.sub("", core)
    # 上海市人民政府办公厅 is not 人民政府办公厅: its place is what names it.
    return core if stripped.startswith("人民政府") else stripped


def _canonical(name: str) -> str:
    """上海市政府办公厅 and 上海市人民政府办公厅 are one name."""
    return name.replace("人民政府", "政府")


def name_pattern(name: str) -> str:
    """A LIKE pattern every name of the body matches: its name without the places in front.

    A government keeps its own place (江苏省淮安市人民政府 → %淮安市%政府), and 政府 may be
    printed 人民政府."""
    canonical = _canonical(name)
    core = _LEADING_PLACES.sub("", canonical)
    if core.startswith("政府"):
        places = re.findall(_PLACE, canonical[: len(canonical) - len(core)])
        core = (places[-1] if places else "") + core
    return "%" + core.replace("政府", "%政府")


def same_body(a: str, b: str) -> bool:
    """True when one name is the other with places in front (洪泽区人民政府, 淮安市洪泽区人民政府),
    or with 人民政府 printed 政府."""
    a, b = _canonical(a), _canonical(b)
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if not longer.endswith(shorter) or len(shorter) < 4:
        return False
    return re.fullmatch(rf"(?:{_PLACE})+", longer[: -len(shorter)]) is not None
