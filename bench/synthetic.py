"""Synthetic 政府信息公开工作年度报告: deterministic reports and their renderings.

A report is generated from a seed with ``random.Random(seed)`` only, so a test, a hypothesis
property and the 10,000-report benchmark all see the same report for the same seed. The table
layout (rows, columns, blocks, groups, sums) is read from ``ingest.nationalformat``; this module
adds only what the format data does not hold: realistic magnitudes, the way cells are printed
(增35项, 2694.35万元), the page furniture around a report, and the paragraphs.

Every renderer draws the tables from one grid layout (cells with row and column spans), so the
text copy, the HTML page, the Word file and the PDF all agree cell for cell.
"""

from __future__ import annotations

import html
import math
import random
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterator

from ingest.model import Figure
from ingest.nationalformat import NONSTANDARD, Block, Check, Row, fold, national_format

CellKey = tuple[int, str, str, str]
Number = int | float
Cell = tuple[Number | None, str]

FIRST_YEAR = 2019
LAST_YEAR = 2025


@dataclass
class SyntheticReport:
    """One generated report: its metadata, every table cell and the paragraphs of each section."""

    body: str
    year: int
    version: str
    published: str
    cells: dict[CellKey, Cell]
    paragraphs: dict[int, list[str]]
    title: str


# ---------------------------------------------------------------- bodies
# Real place names so that names, short names and telephone area codes look like the real
# corpus; the combination with departments is synthetic. Municipalities have no city level.

_PROVINCES: tuple[tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    ("江苏省", (
        ("南京市", "025", ("玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区", "溧水区", "高淳区")),
        ("淮安市", "0517", ("清江浦区", "淮安区", "淮阴区", "洪泽区", "涟水县", "盱眙县", "金湖县")),
        ("苏州市", "0512", ("姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "常熟市", "张家港市", "昆山市", "太仓市")),
        ("徐州市", "0516", ("鼓楼区", "云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市")),
    )),
    ("广西壮族自治区", (
        ("柳州市", "0772", ("城中区", "鱼峰区", "柳南区", "柳北区", "柳江区", "柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县")),
        ("南宁市", "0771", ("兴宁区", "青秀区", "江南区", "西乡塘区", "良庆区", "邕宁区", "武鸣区", "隆安县", "马山县", "上林县", "宾阳县")),
        ("桂林市", "0773", ("秀峰区", "叠彩区", "象山区", "七星区", "雁山区", "临桂区", "阳朔县", "灵川县", "全州县", "兴安县", "荔浦市")),
    )),
    ("浙江省", (
        ("杭州市", "0571", ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区", "桐庐县", "淳安县", "建德市")),
        ("宁波市", "0574", ("海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "象山县", "宁海县", "余姚市", "慈溪市")),
        ("温州市", "0577", ("鹿城区", "龙湾区", "瓯海区", "洞头区", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "瑞安市", "乐清市")),
    )),
    ("广东省", (
        ("广州市", "020", ("荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区")),
        ("深圳市", "0755", ("罗湖区", "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区")),
        ("佛山市", "0757", ("禅城区", "南海区", "顺德区", "三水区", "高明区")),
    )),
    ("山东省", (
        ("济南市", "0531", ("历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区", "章丘区", "济阳区", "莱芜区", "钢城区", "平阴县", "商河县")),
        ("青岛市", "0532", ("市南区", "市北区", "黄岛区", "崂山区", "李沧区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市")),
    )),
    ("四川省", (
        ("成都市", "028", ("锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区", "郫都区", "新津区", "金堂县", "大邑县", "蒲江县")),
        ("绵阳市", "0816", ("涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "北川羌族自治县", "平武县", "江油市")),
    )),
    ("河南省", (
        ("郑州市", "0371", ("中原区", "二七区", "管城回族区", "金水区", "上街区", "惠济区", "中牟县", "巩义市", "荥阳市", "新密市", "新郑市", "登封市")),
        ("洛阳市", "0379", ("老城区", "西工区", "瀍河回族区", "涧西区", "偃师区", "孟津区", "洛龙区", "新安县", "栾川县", "嵩县", "汝阳县", "宜阳县", "洛宁县", "伊川县")),
    )),
    ("湖北省", (
        ("武汉市", "027", ("江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "汉南区", "蔡甸区", "江夏区", "黄陂区", "新洲区")),
        ("宜昌市", "0717", ("西陵区", "伍家岗区", "点军区", "猇亭区", "夷陵区", "远安县", "兴山县", "秭归县", "宜都市", "当阳市", "枝江市")),
    )),
    ("安徽省", (
        ("合肥市", "0551", ("瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市")),
        ("芜湖市", "0553", ("镜湖区", "鸠江区", "弋江区", "湾沚区", "繁昌区", "南陵县", "无为市")),
    )),
    ("福建省", (
        ("福州市", "0591", ("鼓楼区", "台江区", "仓山区", "马尾区", "晋安区", "长乐区", "闽侯县", "连江县", "罗源县", "闽清县", "永泰县", "平潭县", "福清市")),
        ("厦门市", "0592", ("思明区", "海沧区", "湖里区", "集美区", "同安区", "翔安区")),
    )),
)

_MUNICIPALITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("上海市", "021", ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区", "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区")),
    ("北京市", "010", ("东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区", "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区")),
    ("重庆市", "023", ("渝中区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区", "万州区", "涪陵区", "永川区", "合川区")),
)

# Departments below the provincial level are 局/委; at the provincial level many are 厅.
_LOCAL_DEPARTMENTS = (
    "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
    "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "交通运输局",
    "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局",
    "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "行政审批局",
    "数据资源管理局", "信访局", "林业局", "体育局",
)
_PROVINCIAL_DEPARTMENTS = (
    "人民政府办公厅", "发展和改革委员会", "教育厅", "科学技术厅", "工业和信息化厅", "公安厅", "民政厅",
    "司法厅", "财政厅", "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅",
    "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文化和旅游厅", "卫生健康委员会", "退役军人事务厅",
    "应急管理厅", "审计厅", "市场监督管理局", "统计局", "医疗保障局", "林业局", "体育局",
)

# How often each kind of body publishes in a real corpus: county departments dominate.
_LEVEL_WEIGHTS = {
    "province": 0.01, "province_dept": 0.06, "city": 0.05, "city_dept": 0.25,
    "county": 0.18, "county_dept": 0.45,
}
# Rough scale of a body's work (applications received, decisions, items published).
_LEVEL_SCALE = {
    "province": 12.0, "province_dept": 2.5, "city": 5.0, "city_dept": 1.0,
    "county": 2.0, "county_dept": 0.35,
}
_AREA_CODES = ("025", "0517", "0772", "0571", "020", "0531", "028", "0371", "027", "0551", "0591", "021")


@dataclass(frozen=True)
class _Body:
    name: str
    level: str
    short: str  # the name people use: 鼓楼区, 鼓楼区教育局, 南京市
    self_ref: str  # how the report names itself: 我区, 我局, 本机关
    place: str  # the administrative area: 南京市鼓楼区
    area_code: str

    @property
    def government(self) -> bool:
        return not self.level.endswith("_dept")


def _self_ref(place_unit: str, department: str | None) -> str:
    """我区 / 我县 / 我市 / 我局 / 我委 …: the report's way of naming its own body."""
    if department is None:
        last = place_unit[-1]
        return {"省": "我省", "区": "我区", "县": "我县", "市": "我市", "旗": "我旗"}.get(last, "本机关")
    if department.endswith("委员会"):
        return "我委"
    if department.endswith(("办公室", "办公厅")):
        return "我办"
    return {"局": "我局", "厅": "我厅"}.get(department[-1], "本机关")


def _name_style(key: str) -> int:
    """0: 南京市鼓楼区…, 1: 江苏省南京市鼓楼区…, 2: 鼓楼区…; fixed per body so a body keeps its name."""
    roll = zlib.crc32(key.encode()) % 100
    return 0 if roll < 60 else 1 if roll < 85 else 2


@cache
def _catalogue() -> dict[str, tuple[_Body, ...]]:
    """Every synthetic body, by level; built once, on first use."""
    levels: dict[str, list[_Body]] = {level: [] for level in _LEVEL_WEIGHTS}

    def add(level: str, prefix: str, place: str, unit: str, code: str, departments: tuple[str, ...]) -> None:
        gov = _Body(f"{prefix}人民政府", level, unit, _self_ref(unit, None), place, code)
        levels[level].append(gov)
        for dept in departments:
            levels[f"{level}_dept"].append(
                _Body(f"{prefix}{dept}", f"{level}_dept", f"{unit}{dept}", _self_ref(unit, dept), place, code)
            )

    for province, cities in _PROVINCES:
        add("province", province, province, province, cities[0][1], _PROVINCIAL_DEPARTMENTS)
        for city, code, counties in cities:
            add("city", city, city, city, code, _LOCAL_DEPARTMENTS)
            for county in counties:
                style = _name_style(province + city + county)
                prefix = (f"{city}{county}", f"{province}{city}{county}", county)[style]
                add("county", prefix, f"{city}{county}", county, code, _LOCAL_DEPARTMENTS)
    # A municipality is a province-level body whose departments are named like a city's.
    for city, code, districts in _MUNICIPALITIES:
        add("province", city, city, city, code, _LOCAL_DEPARTMENTS)
        for district in districts:
            prefix = f"{city}{district}" if _name_style(city + district) != 2 else district
            add("county", prefix, f"{city}{district}", district, code, _LOCAL_DEPARTMENTS)
    return {level: tuple(bodies) for level, bodies in levels.items()}


@cache
def _bodies_by_name() -> dict[str, _Body]:
    """Name to body; where two places share a name (鼓楼区) the first wins."""
    found: dict[str, _Body] = {}
    for bodies in _catalogue().values():
        for body in bodies:
            found.setdefault(body.name, body)
    return found


_PLACE_UNIT = re.compile(r".+?(?:自治区|自治县|新区|省|市|区|县|旗)")


def _parse_body(name: str, rng: random.Random) -> _Body:
    """A body named by the caller: from the catalogue, else read from the name itself."""
    known = _bodies_by_name().get(name)
    if known is not None:
        return known
    government = name.endswith("人民政府")
    rest = name[: -len("人民政府")] if government else name
    units = _PLACE_UNIT.findall(rest)
    place = "".join(units)
    unit = units[-1] if units else rest
    department = None if government else rest[len(place):] or None
    if not units:
        level = "county"
    elif unit.endswith(("省", "自治区")):
        level = "province"
    elif unit.endswith("市") and all(u.endswith(("省", "自治区")) for u in units[:-1]):
        level = "city"
    else:
        level = "county"
    if department:
        level = f"{level}_dept"
    short = f"{unit}{department}" if department else unit
    return _Body(name, level, short, _self_ref(unit, department), place or rest, rng.choice(_AREA_CODES))


def _pick_body(rng: random.Random) -> _Body:
    """A body drawn with the real corpus' mix of levels."""
    catalogue = _catalogue()
    level = rng.choices(list(_LEVEL_WEIGHTS), weights=list(_LEVEL_WEIGHTS.values()))[0]
    return rng.choice(catalogue[level])


# ---------------------------------------------------------------- the format, prepared once per version

# Printed header cells that the format data does not carry (they name no figure).
_CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_CONTENT_HEADER = "信息内容"


@dataclass(frozen=True)
class _Spec:
    """What generation needs of one format version, derived from ``national_format()``."""

    version: str
    table2: tuple[Block, ...]
    table3: Block
    table4: Block
    leaves3: tuple[Row, ...]  # Table 3 rows that carry cells in this version, in published order
    children3: dict[str, tuple[str, ...]]  # rows that are groups in this version -> their children
    column_checks3: tuple[Check, ...]  # per-column checks on Table 3: left[0] is the derived row
    row_checks3: tuple[Check, ...]  # per-row checks on Table 3: left[0] is the derived column
    row_checks4: tuple[Check, ...]


@cache
def _spec(version: str) -> _Spec:
    """The format's blocks, published rows, groups and checks for one version, computed once."""
    fmt = national_format()
    table3 = fmt.table(3).blocks_in(version)[0]
    table4 = fmt.table(4).blocks_in(version)[0]
    rows3 = table3.rows_in(version)
    children3 = {
        r.key: tuple(c.key for c in rows3 if c.parent == r.key) for r in rows3 if r.is_group(version)
    }
    checks = fmt.checks
    return _Spec(
        version=version,
        table2=tuple(fmt.table(2).blocks_in(version)),
        table3=table3,
        table4=table4,
        leaves3=tuple(r for r in rows3 if not r.is_group(version)),
        children3=children3,
        column_checks3=tuple(c for c in checks if c.table == 3 and c.per == "column"),
        row_checks3=tuple(c for c in checks if c.table == 3 and c.per == "row"),
        row_checks4=tuple(c for c in checks if c.table == 4 and c.per == "row"),
    )


def _solve(
    free: dict[tuple[str, str], int],
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    children: dict[str, tuple[str, ...]],
    column_checks: tuple[Check, ...],
    row_checks: tuple[Check, ...],
) -> dict[tuple[str, str], int]:
    """Every cell of a block from its free cells, so that each check holds by construction.

    A check's first left term is the one it defines (（七）总计, 一、本年新收, 总计); a group row
    counts as the sum of its children. When the defined term would come out negative (more
    carried over than handled), the free terms beside it give up the deficit instead.
    """
    values = dict(free)

    def get(row: str, col: str) -> int | None:
        if row in children:
            parts = [get(child, col) for child in children[row]]
            return None if None in parts else sum(parts)  # type: ignore[arg-type]
        return values.get((row, col))

    derived_columns = {c.left[0] for c in row_checks}
    for col in columns:
        if col in derived_columns:
            continue
        pending = list(column_checks)
        while pending:
            solved = False
            for check in list(pending):
                others = [get(r, col) for r in check.left[1:]]
                right = [get(r, col) for r in check.right]
                if None in others or None in right:
                    continue
                value = sum(right) - sum(others)  # type: ignore[arg-type]
                for r in check.left[1:]:
                    if value >= 0:
                        break
                    if (r, col) in free:
                        take = min(values[(r, col)], -value)
                        values[(r, col)] -= take
                        value += take
                values[(check.left[0], col)] = value
                pending.remove(check)
                solved = True
            if not solved:
                raise RuntimeError(f"the format's checks leave column {col} undetermined")
    for row in rows:
        for check in row_checks:
            parts = [get(row, c) for c in check.right]
            others = [get(row, c) for c in check.left[1:]]
            values[(row, check.left[0])] = sum(parts) - sum(others)  # type: ignore[arg-type]
    return values


def _free_rows(leaves: tuple[Row, ...], column_checks: tuple[Check, ...]) -> list[str]:
    """Published rows that no per-column check defines: their cells are drawn at random."""
    derived = {c.left[0] for c in column_checks}
    return [r.key for r in leaves if r.key not in derived]


def _free_columns(block: Block, row_checks: tuple[Check, ...]) -> list[str]:
    """Columns that no per-row check defines (every column but 总计)."""
    derived = {c.left[0] for c in row_checks}
    return [c.key for c in block.columns if c.key not in derived]


# ---------------------------------------------------------------- numbers

# Realism priors keyed by the format's stable row/column keys: most applications are granted
# or concern information the body does not hold, and most come from natural persons.
_T3_ROW_PRIOR = {"disclosed": 5.0, "not_held": 2.5, "partly_disclosed": 1.0, "petitions": 0.7,
                 "carried_over": 0.5, "carried_forward": 0.5, "still_unclear": 0.5, "other_handling": 0.6,
                 "other_reasons": 0.5, "no_correction": 0.5, "process_information": 0.4, "third_party": 0.3}
_T3_COLUMN_PRIOR = {"natural_persons": 8.0, "businesses": 1.2, "legal_services": 0.4}
_T2_ROW_BASE = {"rules": 0.6, "normative_documents": 6.0, "licensing": 500.0, "other_services": 60.0,
                "penalties": 250.0, "coercion": 20.0, "fees": 8.0, "procurement": 50.0}
_T2_COLUMN_FACTOR = {"last_year_items": 0.12, "change": 0.03, "in_force": 7.0, "repealed": 0.4}


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean: small means give the many zeros real tables have."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _count(rng: random.Random, mean: float) -> int:
    """A wide-spread count (decisions, items), floor of a lognormal around the mean."""
    return int(mean * rng.lognormvariate(0, 0.7)) if mean > 0 else 0


def _money(rng: random.Random, amount: float) -> tuple[float, str]:
    """An amount in 万元 with one or two decimals, as a value and as printed."""
    digits = rng.choice((1, 2, 2))
    raw = f"{amount:.{digits}f}"
    return float(raw), raw


def _table2(rng: random.Random, spec: _Spec, body: _Body, scale: float) -> dict[CellKey, Cell]:
    """Table 2 as printed: counts, 增/减 changes, 项 suffixes and amounts in 万元 or 元."""
    cells: dict[CellKey, Cell] = {}
    makes_rules = body.level in ("province", "city")  # only these governments may issue 规章
    for block in spec.table2:
        for row in block.rows_in(spec.version):
            base = _T2_ROW_BASE.get(row.key, 5.0) * scale
            if row.key == "rules" and not makes_rules:
                base = 0.0
            items = 0
            for col in block.columns:
                factor = _T2_COLUMN_FACTOR.get(col.key, 1.0)
                if col.key == "change":
                    n = 0 if rng.random() < 0.4 else 1 + _count(rng, base * factor)
                    if rng.random() < 0.35 and items > 0:
                        n = min(n, items)  # a list cannot shrink by more items than it had
                        value = -n
                    else:
                        value = n
                    if value == 0:
                        raw = "0"
                    else:
                        raw = ("增" if value > 0 else "减") + str(n) + ("项" if rng.random() < 0.6 else "")
                    cells[(2, block.key, row.key, col.key)] = (value, raw)
                elif col.unit == "万元":
                    cells[(2, block.key, row.key, col.key)] = _amount(rng, spec, base, items)
                else:
                    value = _count(rng, base * factor)
                    items = value
                    suffix = "项" if col.unit == "项" and rng.random() < 0.3 else ""
                    suffix = "件" if col.unit == "件" and rng.random() < 0.03 else suffix
                    cells[(2, block.key, row.key, col.key)] = (value, f"{value}{suffix}")
    return cells


def _amount(rng: random.Random, spec: _Spec, base: float, items: int) -> Cell:
    """An amount column: procurement totals (2019) or fees collected (2021)."""
    if items == 0 and base < 5 or rng.random() < 0.15:
        return 0, "0"
    wan = items * rng.uniform(1, 60) if items else base * rng.lognormvariate(2, 1.2)
    value, raw = _money(rng, wan)
    roll = rng.random()
    if spec.version == "2019" and roll < 0.6:
        return value, f"{raw}万元"
    if spec.version == "2019" and roll < 0.7:
        yuan = round(wan * 100) * 100  # whole hundreds of 元, as 251000元
        return yuan, f"{yuan}元"
    return value, raw


def _table3_free(rng: random.Random, spec: _Spec, body: _Body, scale: float) -> dict[tuple[str, str], int]:
    """The Table 3 cells no check defines, drawn so that most are small and many are zero."""
    rows = _free_rows(spec.leaves3, spec.column_checks3)
    cols = _free_columns(spec.table3, spec.row_checks3)
    quiet = 0.25 if body.government else 0.4
    total = 0.0 if rng.random() < quiet else 12.0 * scale * rng.lognormvariate(0, 0.9)
    if rng.random() < 0.05:
        total *= 8  # a busy year: hundreds of applications
    row_w = {}
    for r in rows:
        prior = _T3_ROW_PRIOR.get(r, 0.15)
        row_w[r] = 0.0 if rng.random() < (0.2 if prior >= 1 else 0.6) else prior * rng.expovariate(1)
    col_w = {}
    for c in cols:
        prior = _T3_COLUMN_PRIOR.get(c, 0.15)
        col_w[c] = 0.0 if rng.random() < (0.05 if prior >= 1 else 0.5) else prior * rng.expovariate(1)
    row_sum = sum(row_w.values()) or 1.0
    col_sum = sum(col_w.values()) or 1.0
    return {
        (r, c): _poisson(rng, total * row_w[r] / row_sum * col_w[c] / col_sum) for r in rows for c in cols
    }


def _table3(free: dict[tuple[str, str], int], spec: _Spec) -> dict[CellKey, Cell]:
    """Table 3 solved from its free cells."""
    block = spec.table3
    leaves = tuple(r.key for r in spec.leaves3)
    columns = tuple(c.key for c in block.columns)
    values = _solve(free, leaves, columns, spec.children3, spec.column_checks3, spec.row_checks3)
    return {(3, block.key, r, c): (values[(r, c)], str(values[(r, c)])) for r in leaves for c in columns}


def _table4(rng: random.Random, spec: _Spec, scale: float) -> dict[CellKey, Cell]:
    """Table 4: most bodies have no review or litigation at all."""
    block = spec.table4
    rows = tuple(r.key for r in block.rows_in(spec.version))
    columns = tuple(c.key for c in block.columns)
    free_cols = _free_columns(block, spec.row_checks4)
    busy = rng.random() < 0.3
    free = {}
    for i, r in enumerate(rows):
        mean = (0.8 if i == 0 else 0.4) * min(scale, 6) if busy else 0.0
        free.update({(r, c): _poisson(rng, mean * (1.5 if j == 0 else 0.5)) for j, c in enumerate(free_cols)})
    values = _solve(free, rows, columns, {}, (), spec.row_checks4)
    return {(4, block.key, r, c): (values[(r, c)], str(values[(r, c)])) for r in rows for c in columns}


def _blank(
    rng: random.Random, free: dict[tuple[str, str], int], spec: _Spec, count: int
) -> tuple[dict[CellKey, Cell], list[CellKey]]:
    """Table 3 with ``count`` zero cells chosen to be printed blank.

    Only zeros may go blank, so every sum still holds when a blank reads as 0. When the report
    has too few zeros, free cells are zeroed one by one (and the table solved again) until it has.
    """
    free = dict(free)
    while True:
        table = _table3(free, spec)
        zeros = [k for k, (v, _) in table.items() if v == 0]
        if len(zeros) >= count:
            return table, rng.sample(zeros, count)
        nonzero = sorted(k for k, v in free.items() if v)
        if not nonzero:
            raise ValueError(f"Table 3 has {len(table)} cells; cannot blank {count}")
        free[rng.choice(nonzero)] = 0


# ---------------------------------------------------------------- paragraphs
# Templates plus random facts; the synonym slots vary the vocabulary so BM25 scores differ
# between reports. Every template is one or more whole sentences ending in 。.

_ADVERBS = ("进一步", "持续", "不断", "切实", "着力", "全面")
_VERBS = ("加强", "强化", "深化", "健全", "规范", "完善")
_PUSH = ("扎实推进", "稳步推进", "全面推进", "有序推进", "深入推进")
_FOCUS = ("财政预决算", "重大建设项目", "公共资源配置", "乡村振兴", "教育医疗", "生态环境保护", "安全生产",
          "稳就业保民生", "优化营商环境", "食品药品监管", "社会救助", "城市更新", "养老服务", "征地拆迁")
_ROADS = ("中山路", "人民路", "解放路", "建设路", "新华路", "文化路", "和平路", "府前路", "长江路", "滨江大道")
_BUILDINGS = ("行政中心", "市民中心", "政务服务中心", "综合办公楼")
_PROBLEMS = ("政策解读形式较为单一，图解、视频等多样化解读偏少", "部分栏目信息更新不够及时",
             "依申请公开答复的规范性有待进一步提高", "基层政务公开标准化规范化建设仍需加强",
             "工作人员业务能力与新形势要求还有差距", "公众参与和互动回应的渠道不够丰富",
             "政务新媒体运维管理水平有待提升", "主动公开内容的深度和广度不够")
_IMPROVEMENTS = ("加强政策解读，丰富解读形式，提升解读质量", "加大重点领域信息公开力度，及时回应社会关切",
                 "规范依申请公开办理流程，提高答复质量", "加强业务培训，提升工作人员的公开意识和能力",
                 "加强政府网站和政务新媒体管理，确保信息发布准确及时", "完善政府信息公开查阅点建设，方便群众现场查阅",
                 "严格落实行政处罚信息公示制度，做到应公开尽公开")
_CHINESE_ORDINALS = "一二三四五六七八九十"

# Section 1: (subheading, body). Subheadings get （一）（二）… numbering in some reports.
_SECTION1 = (
    ("主动公开", "{year}年，{short}{adv}{verb}主动公开工作，通过{portal}主动公开政府信息{n_portal}条，"
                 "其中政策文件{n_policy}件、政策解读{n_interpret}篇。围绕{focus1}、{focus2}等重点领域，及时发布相关信息。"),
    ("依申请公开", "{short}{adv}规范依申请公开办理流程，严格落实登记、审核、办理、答复、归档等环节，"
                   "全年共受理政府信息公开申请{received}件，均在法定期限内依法答复。"),
    ("行政执法信息公开", "{short}依托{portal}公开行政许可、行政处罚“双公示”信息，全年公开行政处罚决定{n_penalty}件，"
                         "涉及罚款{fine}万元，主动接受社会监督。"),
    ("政府信息管理", "{short}{adv}{verb}公文公开属性源头认定，对拟公开的{n_reviewed}件文件开展保密审查，"
                     "全年清理各类规范性文件{n_cleanup}件，动态更新政府信息公开指南和目录。"),
    ("平台建设", "{short}{push}{portal}和{wechat}建设，全年通过政务新媒体发布信息{n_media}条，网站年度访问量达{visits}万人次。"),
    ("查阅场所建设", "{short}在{center}、档案馆、图书馆设立政府信息公开查阅点{n_points}个，配备专人负责，"
                     "方便群众现场查阅政府信息。"),
    ("监督保障", "{short}将政务公开工作纳入年度绩效考核，全年组织政务公开业务培训{n_train}次，"
                 "参训人员{n_people}人次，{adv}提升工作人员的公开意识和业务能力。"),
    ("工作机构", "{short}政府信息公开工作机构设在{office}，办公地址：{address}，咨询电话：{phone}，"
                 "受理时间为工作日上午8:30至12:00、下午14:30至17:30。"),
    ("政策解读", "围绕{focus1}等群众关注的热点，{short}采取图解、视频、问答等形式解读政策{n_interpret}次，"
                 "主要负责同志参加政策吹风会{n_meetings}场。"),
    ("优化营商环境", "聚焦优化营商环境，{short}公开涉企收费目录清单和惠企政策{n_policy2}项，"
                     "推动惠企政策“免申即享”，{adv}提升企业获得感。"),
)
_SECTION5 = (
    "{year}年，{short}政府信息公开工作取得一定成效，但仍存在一些不足：一是{problem1}；二是{problem2}；三是{problem3}。",
    "下一步，{self}将{adv}{verb}以下工作：一是{improve1}；二是{improve2}。",
    "针对{prior_year}年度报告中指出的问题，{short}已逐项整改落实，完善栏目设置{n_columns}个，开展专项培训{n_train2}次。",
    "{short}将以群众需求为导向，{push}决策、执行、管理、服务、结果公开，不断提升政务公开的质量和实效。",
    "{self}将{adv}加强{portal}建设，优化栏目设置，确保群众查得到、看得懂、能监督。",
)
_SECTION6 = (
    "依据《政府信息公开信息处理费管理办法》，{short}{year}年度{fee_sentence}",
    "{year}年，{short}共承办人大代表建议{n_suggest}件、政协委员提案{n_proposal}件，办复率100%，办理结果均已按规定公开。",
    "{short}认真落实{year}年政务公开工作要点，逐项分解任务，明确责任分工，各项任务均已按期完成。",
    "{short}创新开展“政府开放日”活动{n_open}次，邀请{n_guests}名群众代表走进机关，现场了解政府工作。",
    "{year}年，{self}通过12345政务服务便民热线受理群众诉求{n_hotline}件，办结率{rate}%。",
)


def _facts(rng: random.Random, report_year: int, body: _Body, scale: float) -> dict[str, object]:
    """The random facts the templates quote: numbers, names, an address and a phone number."""
    place = body.place
    # The portal belongs to the government; a department publishes in a column of it.
    portal = f"{place}人民政府门户网站" if body.government else f"{place}人民政府门户网站“{body.short}”专栏"
    brand = re.sub(r"(省|市|区|县|自治区)$", "", body.short) if body.government else body.short
    big = max(scale, 0.3)
    problems = rng.sample(_PROBLEMS, 3)
    improvements = rng.sample(_IMPROVEMENTS, 2)
    focus = rng.sample(_FOCUS, 2)
    n_fee = _poisson(rng, 0.3)
    fee_sentence = (
        "未收取信息处理费。" if n_fee == 0
        else f"共发出收费通知{n_fee}件，收取信息处理费{n_fee * rng.randint(1, 30) * 100}元。"
    )
    return {
        "year": report_year, "prior_year": report_year - 1, "short": body.short, "self": body.self_ref,
        "portal": portal, "wechat": f"“{brand}发布”微信公众号", "center": f"{place}政务服务中心",
        "office": rng.choice((f"{body.short}办公室", f"{body.short}政务公开办公室", f"{body.short}综合科")),
        "address": f"{place}{rng.choice(_ROADS)}{rng.randint(1, 299)}号{rng.choice(_BUILDINGS)}{rng.randint(1, 12)}楼",
        "phone": f"{body.area_code}-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}",
        "adv": rng.choice(_ADVERBS), "verb": rng.choice(_VERBS), "push": rng.choice(_PUSH),
        "focus1": focus[0], "focus2": focus[1],
        "problem1": problems[0], "problem2": problems[1], "problem3": problems[2],
        "improve1": improvements[0], "improve2": improvements[1],
        "n_portal": _count(rng, 900 * big) + 12, "n_policy": _count(rng, 30 * big) + 1,
        "n_interpret": _count(rng, 15 * big) + 1, "n_policy2": _count(rng, 20 * big) + 1,
        "fine": f"{rng.uniform(0.5, 80) * big:.2f}", "n_reviewed": _count(rng, 40 * big) + 1,
        "n_cleanup": _count(rng, 10 * big), "n_media": _count(rng, 600 * big) + 5,
        "visits": _count(rng, 50 * big) + 1, "n_points": rng.randint(1, 12), "n_train": rng.randint(1, 12),
        "n_people": rng.randint(20, 800), "n_meetings": rng.randint(1, 9), "n_columns": rng.randint(1, 8),
        "n_train2": rng.randint(1, 6), "fee_sentence": fee_sentence,
        "n_suggest": _count(rng, 20 * big), "n_proposal": _count(rng, 25 * big),
        "n_open": rng.randint(1, 6), "n_guests": rng.randint(10, 300),
        "n_hotline": _count(rng, 3000 * big) + 3, "rate": rng.choice(("98.6", "99.2", "99.5", "100", "97.8")),
    }


def _read(cells: dict[CellKey, Cell], table: int, block: Block, row: str, column: str) -> int:
    """A cell as a sentence reads it: a blank cell counts as 0."""
    return int(cells[(table, block.key, row, column)][0] or 0)


def _short_label(label: str) -> str:
    """（二）部分公开（区分处理的…） -> 部分公开: a label as a sentence would name it."""
    text = re.sub(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]", "", fold(label))
    return re.split(r"[(（]", text)[0]


def _section3(rng: random.Random, spec: _Spec, cells: dict[CellKey, Cell], facts: dict[str, object]) -> str:
    """One paragraph summarising Table 3, with its numbers."""
    block = spec.table3
    total_col = spec.row_checks3[0].left[0]
    balance = next(c for c in spec.column_checks3 if len(c.left) > 1)  # 一 + 二 = 三（七） + 四
    results = next(c for c in spec.column_checks3 if len(c.left) == 1)  # （七）= （一）…（六）

    def value(row: str) -> int:
        if row in spec.children3:
            return sum(value(child) for child in spec.children3[row])
        return _read(cells, 3, block, row, total_col)

    new, carried = (value(r) for r in balance.left)
    forward = value(balance.right[-1])
    year = facts["year"]
    if new + carried == 0:
        return f"{year}年，{facts['short']}未收到政府信息公开申请，无上年结转申请。"
    parts = "，".join(f"{_short_label(block.row(r).label)}{value(r)}件" for r in results.right)
    opening = rng.choice((
        f"{year}年，共受理政府信息公开申请{new + carried}件，其中本年新收{new}件，上年结转{carried}件。",
        f"{year}年，{facts['self']}新收政府信息公开申请{new}件，上年结转{carried}件，合计{new + carried}件。",
        f"{year}年度，{facts['short']}共收到政府信息公开申请{new}件，另有上年结转申请{carried}件。",
    ))
    return f"{opening}从办理结果看，{parts}；结转下年度继续办理{forward}件。"


def _section4(spec: _Spec, cells: dict[CellKey, Cell], facts: dict[str, object]) -> str:
    """One sentence on administrative review and litigation, from Table 4."""
    block = spec.table4
    total_col = spec.row_checks4[0].left[0]
    totals = {r.key: _read(cells, 4, block, r.key, total_col) for r in block.rows_in(spec.version)}
    if not any(totals.values()):
        return f"{facts['year']}年，{facts['self']}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    review = [r for r in block.rows_in(spec.version) if not r.group_label]
    litigation = [r for r in block.rows_in(spec.version) if r.group_label]
    n_review = sum(totals[r.key] for r in review)
    n_litigation = sum(totals[r.key] for r in litigation)
    detail = "，".join(f"{r.label}{totals[r.key]}件" for r in litigation)
    return (f"{facts['year']}年，{facts['self']}因政府信息公开工作被申请行政复议{n_review}件，"
            f"被提起行政诉讼{n_litigation}件（{detail}）。")


def _paragraphs(
    rng: random.Random, spec: _Spec, cells: dict[CellKey, Cell], facts: dict[str, object]
) -> dict[int, list[str]]:
    """Section number -> paragraphs; sections 3 and 4 speak from the tables."""
    numbered = rng.random() < 0.7
    chosen = sorted(rng.sample(range(len(_SECTION1)), rng.randint(2, 5)))
    section1 = []
    for i, index in enumerate(chosen):
        head, body = _SECTION1[index]
        text = body.format(**facts)
        section1.append(f"（{_CHINESE_ORDINALS[i]}）{head}。{text}" if numbered else text)
    section5 = [t.format(**facts) for t in rng.sample(_SECTION5, rng.randint(2, 5))]
    section6 = [t.format(**facts) for t in rng.sample(_SECTION6, rng.randint(2, 5))]
    return {
        1: section1,
        2: [],
        3: [_section3(rng, spec, cells, facts)],
        4: [_section4(spec, cells, facts)],
        5: section5,
        6: section6,
    }


# ---------------------------------------------------------------- reports


def generate_report(
    seed: int, *, body: str | None = None, year: int | None = None, blank_cells: int = 0
) -> SyntheticReport:
    """One report, the same for the same arguments; ``blank_cells`` zeros of Table 3 print blank."""
    rng = random.Random(seed)
    picked = _parse_body(body, rng) if body is not None else _pick_body(rng)
    report_year = year if year is not None else rng.randint(FIRST_YEAR, LAST_YEAR)
    version = national_format().version_for_year(report_year)
    if version == NONSTANDARD:
        raise ValueError(f"{report_year} has no national format; years {FIRST_YEAR}-{LAST_YEAR} do")
    spec = _spec(version)
    month = rng.choices((1, 2, 3), weights=(6, 2, 2))[0]
    published = f"{report_year + 1}-{month:02d}-{rng.randint(1, 28 if month == 2 else 31):02d}"
    scale = _LEVEL_SCALE[picked.level] * rng.lognormvariate(0, 0.5)
    cells = _table2(rng, spec, picked, scale)
    free3 = _table3_free(rng, spec, picked, scale)
    table4 = _table4(rng, spec, scale)
    # Blanks draw from their own stream so the rest of the report does not depend on them.
    table3, blanks = _blank(random.Random(seed * 7919 + 17), free3, spec, blank_cells)
    for key in blanks:
        table3[key] = (None, "")
    cells.update(table3)
    cells.update(table4)
    facts = _facts(rng, report_year, picked, scale)
    # Paragraphs quote the tables where they speak of the same thing.
    balance = next(c for c in spec.column_checks3 if len(c.left) > 1)
    total_col = spec.row_checks3[0].left[0]
    facts["received"] = sum(_read(cells, 3, spec.table3, r, total_col) for r in balance.left)
    penalties = cells.get((2, "art20_6", "penalties", "decisions"))
    facts["n_penalty"] = penalties[0] if penalties is not None else _count(rng, 100 * scale)
    return SyntheticReport(
        body=picked.name,
        year=report_year,
        version=version,
        published=published,
        cells=cells,
        paragraphs=_paragraphs(rng, spec, cells, facts),
        title=f"{picked.name}{report_year}年政府信息公开工作年度报告",
    )


def generate_corpus(count: int, seed: int = 0) -> Iterator[SyntheticReport]:
    """``count`` reports with distinct (body, year), in the real mix of levels over 2019-2025."""
    available = len(_bodies_by_name()) * (LAST_YEAR - FIRST_YEAR + 1)
    if count > available:
        raise ValueError(f"only {available} distinct (body, year) pairs; asked for {count}")
    rng = random.Random(seed)
    seen: set[tuple[str, int]] = set()
    while len(seen) < count:
        body = _pick_body(rng)
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        report_seed = rng.getrandbits(48)
        if (body.name, year) in seen:
            continue
        seen.add((body.name, year))
        yield generate_report(report_seed, body=body.name, year=year)


def expected_figures(report: SyntheticReport) -> list[Figure]:
    """The figures a parser should find: one per cell, in published order."""
    fmt = national_format()
    figures = []
    for (table, block_key, row, column), (value, raw) in report.cells.items():
        unit = fmt.table(table).block(block_key, report.version).column(column).unit
        for printed in ("万元", "元", "项", "件"):
            if printed in raw:
                unit = printed
                break
        figures.append(Figure(table, block_key, row, column, value, unit, raw))
    return figures


# ---------------------------------------------------------------- table layout
# One grid per table and version, as real pages lay the tables out with rowspan/colspan. The
# text copy is this grid read row by row, anchor cells only; HTML, Word and PDF draw it.


@dataclass(frozen=True)
class _Slot:
    """A printed cell: its anchor, its spans, and either a label or the figure it shows."""

    row: int
    col: int
    rowspan: int
    colspan: int
    role: str  # corner, block, header, column, group, row, value
    text: str = ""
    alts: tuple[str, ...] = ()  # other printed forms of a row label (规范性文件 / 行政规范性文件)
    key: CellKey | None = None


@dataclass(frozen=True)
class _Grid:
    table: int
    nrows: int
    ncols: int
    rows: tuple[tuple[_Slot, ...], ...]  # slots anchored in each grid row, left to right
    widths: tuple[float, ...]  # relative column widths for Word and PDF


def _make_grid(table: int, slots: list[_Slot], widths: list[float]) -> _Grid:
    """A grid from its slots, grouped by the row they are anchored in."""
    nrows = max(s.row + s.rowspan for s in slots)
    rows: list[list[_Slot]] = [[] for _ in range(nrows)]
    for slot in slots:
        rows[slot.row].append(slot)
    ordered = tuple(tuple(sorted(r, key=lambda s: s.col)) for r in rows)
    return _Grid(table, nrows, len(widths), ordered, tuple(widths))


def _grid2(version: str) -> _Grid:
    """Table 2: each block a heading row across the table, a header row, then its rows."""
    blocks = national_format().table(2).blocks_in(version)
    ncols = 1 + max(len(b.columns) for b in blocks)
    slots: list[_Slot] = []
    r = 0
    for block in blocks:
        slots.append(_Slot(r, 0, 1, ncols, "block", block.label))
        slots.append(_Slot(r + 1, 0, 1, 1, "header", _CONTENT_HEADER))
        last = len(block.columns) - 1
        # A block with fewer columns than the table lets its last column take up the rest.
        spans = [ncols - 1 - last if j == last else 1 for j in range(len(block.columns))]
        for j, col in enumerate(block.columns):
            slots.append(_Slot(r + 1, 1 + j, 1, spans[j], "column", col.label))
        r += 2
        for row in block.rows_in(version):
            slots.append(_Slot(r, 0, 1, 1, "row", row.label, row.also))
            for j, col in enumerate(block.columns):
                slots.append(_Slot(r, 1 + j, 1, spans[j], "value", key=(2, block.key, row.key, col.key)))
            r += 1
    return _make_grid(2, slots, [3.0] + [2.0] * (ncols - 1))


def _grid3(version: str) -> _Grid:
    """Table 3: corner note over the label columns, grouped column headers, nested row groups."""
    spec = _spec(version)
    block = spec.table3
    rows = block.rows_in(version)
    depth: dict[str, int] = {}
    for row in rows:  # parents come before their children in the format
        depth[row.key] = 0 if row.parent is None else depth[row.parent] + 1
    label_cols = max(depth.values()) + 1
    columns = block.columns
    grouped = any(c.group for c in columns)
    header_rows = 3 if grouped else 2
    slots = [
        _Slot(0, 0, header_rows, label_cols, "corner", _CORNER_NOTE),
        _Slot(0, label_cols, 1, len(columns), "block", block.label),
    ]
    seen_groups: set[str] = set()
    for j, col in enumerate(columns):
        if col.group is None:
            slots.append(_Slot(1, label_cols + j, header_rows - 1, 1, "column", col.label))
        elif col.group not in seen_groups:
            seen_groups.add(col.group)
            width = sum(1 for c in columns if c.group == col.group)
            slots.append(_Slot(1, label_cols + j, 1, width, "column", col.group))
            slots.extend(
                _Slot(2, label_cols + j + k, 1, 1, "column", c.label)
                for k, c in enumerate(c for c in columns if c.group == col.group)
            )

    def leaves_under(key: str) -> int:
        return sum(leaves_under(c) for c in spec.children3[key]) if key in spec.children3 else 1

    r = header_rows
    opened: set[str] = set()
    for leaf in spec.leaves3:
        ancestors = []
        parent = leaf.parent
        while parent is not None:
            ancestors.append(parent)
            parent = block.row(parent).parent
        for key in reversed(ancestors):
            if key not in opened:  # a group label spans all the leaf rows under it
                opened.add(key)
                slots.append(_Slot(r, depth[key], leaves_under(key), 1, "group", block.row(key).label))
        slots.append(_Slot(r, depth[leaf.key], 1, label_cols - depth[leaf.key], "row", leaf.label, leaf.also))
        for j, col in enumerate(columns):
            slots.append(_Slot(r, label_cols + j, 1, 1, "value", key=(3, block.key, leaf.key, col.key)))
        r += 1
    return _make_grid(3, slots, [1.3] * (label_cols - 1) + [6.0] + [1.5] * len(columns))


def _grid4(version: str) -> _Grid:
    """Table 4: one row of figures under two header levels (行政复议 | 行政诉讼 › 未经复议直接起诉 …)."""
    block = _spec(version).table4
    rows = block.rows_in(version)
    n = len(block.columns)
    top, middle, bottom = [], [], []
    seen_groups: set[str] = set()
    for i, row in enumerate(rows):
        c = i * n
        if row.group_label is None:
            top.append(_Slot(0, c, 1, n, "column", row.label))
            middle.extend(_Slot(1, c + j, 2, 1, "column", col.label) for j, col in enumerate(block.columns))
        else:
            if row.group_label not in seen_groups:
                seen_groups.add(row.group_label)
                width = sum(1 for r in rows if r.group_label == row.group_label)
                top.append(_Slot(0, c, 1, n * width, "column", row.group_label))
            middle.append(_Slot(1, c, 1, n, "column", row.label))
            bottom.extend(_Slot(2, c + j, 1, 1, "column", col.label) for j, col in enumerate(block.columns))
    values = [
        _Slot(3, i * n + j, 1, 1, "value", key=(4, block.key, row.key, col.key))
        for i, row in enumerate(rows)
        for j, col in enumerate(block.columns)
    ]
    return _make_grid(4, top + middle + bottom + values, [1.0] * (n * len(rows)))


@cache
def _grids(version: str) -> dict[int, _Grid]:
    """Section number -> the grid of the table printed in it."""
    fmt = national_format()
    grids = (_grid2(version), _grid3(version), _grid4(version))
    return {fmt.table(g.table).section: g for g in grids}


# ---------------------------------------------------------------- rendering style
# Printing habits that vary between sites, fixed per report (from its title) so that every
# rendering of one report agrees and rendering is repeatable.

_HALFWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


@dataclass(frozen=True)
class _Style:
    halfwidth: bool  # 第二十条第(一)项 rather than 第二十条第（一）项
    alt_labels: bool  # 行政规范性文件 for 规范性文件 and the like
    split_columns: bool  # 本年新 / 制作数量 on two lines in a text copy
    heading_tag: str  # how a page marks a section heading
    wrap_cells: bool  # <td><p>…</p></td>
    signed: str  # the signature date, 2021年1月29日


def _style(report: SyntheticReport) -> _Style:
    """This report's printing habits, drawn from its title."""
    rng = random.Random(zlib.crc32(report.title.encode()))
    year, month, day = (int(x) for x in report.published.split("-"))
    day = max(1, day - rng.randint(0, 5))
    if rng.random() < 0.05:
        year = report.year  # signed with the report year, as liuzhou-chengzhong-2020 is
    return _Style(
        halfwidth=rng.random() < 0.35,
        alt_labels=rng.random() < 0.15,
        split_columns=rng.random() < 0.5,
        heading_tag=rng.choice(("h3", "strong", "p")),
        wrap_cells=rng.random() < 0.4,
        signed=f"{year}年{month}月{day}日",
    )


def _label(slot: _Slot, style: _Style, table: int, text_copy: bool = False) -> str:
    """A label slot as this report prints it."""
    text = slot.alts[0] if slot.alts and style.alt_labels else slot.text
    if style.halfwidth:
        text = text.translate(_HALFWIDTH)
    if text_copy and style.split_columns and table == 2 and slot.role == "column" and len(text) >= 7 \
            and not any(b in text for b in "(（"):
        text = f"{text[:3]}\n{text[3:]}"  # a narrow header cell wraps, and the copy keeps the break
    return text


def _sections(report: SyntheticReport) -> Iterator[tuple[str, list[str], _Grid | None]]:
    """Each section: its heading, its paragraphs and the table printed in it."""
    grids = _grids(report.version)
    for section in national_format().sections:
        yield section.title, report.paragraphs.get(section.number, []), grids.get(section.number)


# ---------------------------------------------------------------- text


def render_text(report: SyntheticReport) -> str:
    """The report as text copied from its web page: one cell or paragraph a line, blanks kept."""
    style = _style(report)
    lines = [report.title, "", f"信息来源:{report.body} 发布日期:{report.published} 09:30"]

    def put(text: str) -> None:
        # One empty line separates items; a blank item adds only its separator, so a blank
        # cell shows as one extra empty line, as in a real copy.
        lines.append("")
        if text:
            lines.extend(text.split("\n"))

    for heading, paragraphs, grid in _sections(report):
        put(heading)
        for paragraph in paragraphs:
            put(paragraph)
        if grid is not None:
            for row in grid.rows:
                for slot in row:
                    put(report.cells[slot.key][1] if slot.key else _label(slot, style, grid.table, True))
    put(report.body)
    put(style.signed)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

_NAV = ("首页", "走进{place}", "信息公开", "办事服务", "互动交流", "数据开放")


def _site_owner(report: SyntheticReport) -> str:
    """The government whose portal carries the report (a department publishes on its government's)."""
    body = _parse_body(report.body, random.Random(0))
    return f"{body.place}人民政府" if body.place else report.body


def _html_table(grid: _Grid, report: SyntheticReport, style: _Style) -> str:
    """One table with rowspan/colspan; a blank cell is &nbsp; as on real pages."""
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>']
    for row in grid.rows:
        out.append("<tr>")
        for slot in row:
            span = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
                f' colspan="{slot.colspan}"' if slot.colspan > 1 else "")
            if slot.key is not None:
                raw = report.cells[slot.key][1]
                out.append(f"<td{span}>{html.escape(raw) if raw else '&nbsp;'}</td>")
            else:
                text = html.escape(_label(slot, style, grid.table))
                if style.wrap_cells:
                    text = f'<p style="text-align:center">{text}</p>'
                out.append(f"<td{span}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(report: SyntheticReport) -> str:
    """The report as a government web page: navigation, article with tables, footer."""
    style = _style(report)
    owner = _site_owner(report)
    place = owner.removesuffix("人民政府")
    esc = html.escape
    site_code = f"{zlib.crc32(owner.encode()) % 10**10:010d}"
    nav = "".join(f'<li><a href="/c{i}/">{esc(item.format(place=place))}</a></li>' for i, item in enumerate(_NAV))
    out = [
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(report.title)}</title></head><body>',
        f'<div class="header"><div class="logo">{esc(owner)}</div></div>',
        f'<div class="nav"><ul>{nav}</ul></div>',
        '<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; '
        '<a href="/xxgk/ndbg/">政府信息公开年报</a></div>',
        '<div class="article">',
        f"<h1>{esc(report.title)}</h1>",
        f'<div class="info">信息来源：{esc(report.body)}　发布日期：{report.published} 09:30</div>',
        '<div class="content">',
    ]
    for heading, paragraphs, grid in _sections(report):
        if style.heading_tag == "h3":
            out.append(f"<h3>{esc(heading)}</h3>")
        elif style.heading_tag == "strong":
            out.append(f"<p><strong>{esc(heading)}</strong></p>")
        else:
            out.append(f"<p>{esc(heading)}</p>")
        out.extend(f"<p>{esc(p)}</p>" for p in paragraphs)
        if grid is not None:
            out.append(_html_table(grid, report, style))
    out += [
        f'<p style="text-align:right">{esc(report.body)}</p>',
        f'<p style="text-align:right">{style.signed}</p>',
        "</div></div>",
        f'<div class="footer"><p>版权所有：{esc(owner)}　主办单位：{esc(owner)}办公室</p>'
        f"<p>网站标识码：{site_code}</p>"
        f"<p>本网站所有内容版权归{esc(owner)}所有，未经授权不得转载或建立镜像。</p></div>",
        "</body></html>",
    ]
    return "\n".join(out)


# ---------------------------------------------------------------- Word


def render_docx(report: SyntheticReport, path: str | Path) -> None:
    """The report as a Word attachment: title, paragraphs and real tables with merged cells."""
    from docx import Document  # imported here: only this renderer needs python-docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = _style(report)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # East Asian text needs its own font slot
    doc.add_paragraph(report.title, style="Title")
    for heading, paragraphs, grid in _sections(report):
        doc.add_paragraph().add_run(heading).bold = True
        for paragraph in paragraphs:
            doc.add_paragraph(paragraph)
        if grid is None:
            continue
        table = doc.add_table(rows=grid.nrows, cols=grid.ncols)
        table.style = "Table Grid"
        # Take every cell once before merging: table.cell() walks the whole table per call. The
        # text goes into the anchor first; merging keeps it, as the covered cells are empty.
        cells = [row.cells for row in table.rows]
        for row in grid.rows:
            for slot in row:
                anchor = cells[slot.row][slot.col]
                anchor.text = report.cells[slot.key][1] if slot.key else _label(slot, style, grid.table)
                if slot.rowspan > 1 or slot.colspan > 1:
                    anchor.merge(cells[slot.row + slot.rowspan - 1][slot.col + slot.colspan - 1])
    doc.add_paragraph(report.body)
    doc.add_paragraph(style.signed)
    doc.save(str(path))


# ---------------------------------------------------------------- PDF

_PDF_FONT = "STSong-Light"  # a CID font every PDF viewer has: no font file to ship


@cache
def _pdf_font() -> str:
    """Register the built-in CJK font once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    return _PDF_FONT


def render_pdf(report: SyntheticReport, path: str | Path) -> None:
    """The report as a PDF attachment: wrapped paragraphs and ruled tables with spans."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _pdf_font()
    style = _style(report)
    esc = html.escape  # Paragraph text is XML-like markup
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=22, alignment=TA_CENTER,
                                 wordWrap="CJK", spaceAfter=12)
    heading_style = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, wordWrap="CJK",
                                   spaceBefore=6, spaceAfter=4)
    body_style = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK",
                                firstLineIndent=21, spaceAfter=4)
    sign_style = ParagraphStyle("sign", parent=body_style, alignment=TA_RIGHT, firstLineIndent=0)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK",
                                alignment=TA_CENTER)
    margin = 40
    usable = A4[0] - 2 * margin
    story: list = [Paragraph(esc(report.title), title_style)]
    for heading, paragraphs, grid in _sections(report):
        story.append(Paragraph(esc(heading), heading_style))
        story.extend(Paragraph(esc(p), body_style) for p in paragraphs)
        if grid is None:
            continue
        data: list[list[object]] = [[""] * grid.ncols for _ in range(grid.nrows)]
        commands: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for row in grid.rows:
            for slot in row:
                if slot.key is not None:
                    data[slot.row][slot.col] = report.cells[slot.key][1]
                else:
                    data[slot.row][slot.col] = Paragraph(esc(_label(slot, style, grid.table)), cell_style)
                if slot.rowspan > 1 or slot.colspan > 1:
                    commands.append(("SPAN", (slot.col, slot.row),
                                     (slot.col + slot.colspan - 1, slot.row + slot.rowspan - 1)))
        scale = usable / sum(grid.widths)
        table = Table(data, colWidths=[w * scale for w in grid.widths])
        table.setStyle(TableStyle(commands))
        story.append(KeepTogether([Spacer(1, 4), table, Spacer(1, 6)]))
    story.append(Paragraph(esc(report.body), sign_style))
    story.append(Paragraph(esc(style.signed), sign_style))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=report.title, author=report.body, invariant=True)
    doc.build(story)
