"""Issuing bodies: real place names with synthetic departments, in the real corpus' mix of levels.

Real place names so that names, short names and telephone area codes look like the real
corpus; the combination with departments is synthetic. Municipalities have no city level.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from functools import cache

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
LEVEL_SCALE = {
    "province": 12.0, "province_dept": 2.5, "city": 5.0, "city_dept": 1.0,
    "county": 2.0, "county_dept": 0.35,
}
_AREA_CODES = ("025", "0517", "0772", "0571", "020", "0531", "028", "0371", "027", "0551", "0591", "021")


@dataclass(frozen=True)
class Body:
    """An issuing body and the names its report gives it."""

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
def _catalogue() -> dict[str, tuple[Body, ...]]:
    """Every synthetic body, by level; built once, on first use."""
    levels: dict[str, list[Body]] = {level: [] for level in _LEVEL_WEIGHTS}

    def add(level: str, prefix: str, place: str, unit: str, code: str, departments: tuple[str, ...]) -> None:
        gov = Body(f"{prefix}人民政府", level, unit, _self_ref(unit, None), place, code)
        levels[level].append(gov)
        for dept in departments:
            levels[f"{level}_dept"].append(
                Body(f"{prefix}{dept}", f"{level}_dept", f"{unit}{dept}", _self_ref(unit, dept), place, code)
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
def bodies_by_name() -> dict[str, Body]:
    """Name to body; where two places share a name (鼓楼区) the first wins."""
    found: dict[str, Body] = {}
    for bodies in _catalogue().values():
        for body in bodies:
            found.setdefault(body.name, body)
    return found


_PLACE_UNIT = re.compile(r".+?(?:自治区|自治县|新区|省|市|区|县|旗)")


def parse_body(name: str, rng: random.Random) -> Body:
    """A body named by the caller: from the catalogue, else read from the name itself."""
    known = bodies_by_name().get(name)
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
    return Body(name, level, short, _self_ref(unit, department), place or rest, rng.choice(_AREA_CODES))


def pick_body(rng: random.Random) -> Body:
    """A body drawn with the real corpus' mix of levels."""
    catalogue = _catalogue()
    level = rng.choices(list(_LEVEL_WEIGHTS), weights=list(_LEVEL_WEIGHTS.values()))[0]
    return rng.choice(catalogue[level])


def namesake(body: Body) -> Body:
    """Another government, for a report to mention in passing: the same place name elsewhere when
    there is one (徐州市鼓楼区 for 南京市鼓楼区), else a neighbour; fixed per body."""
    units = _PLACE_UNIT.findall(body.place)
    unit = units[-1] if units else body.place
    others = [b for level in ("county", "city") for b in _catalogue()[level] if b.place != body.place]
    pool = [b for b in others if b.place.endswith(unit)] or [b for b in others if b.area_code == body.area_code]
    pool = pool or others
    return pool[zlib.crc32(body.name.encode()) % len(pool)]
