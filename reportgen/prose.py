"""The paragraphs of a report: templates filled with random facts; sections 3 and 4 quote the tables.

The synonym slots vary the vocabulary so BM25 scores differ between reports. Every template
is one or more whole sentences ending in 。.
"""

from __future__ import annotations

import random
import re

from ingest.nationalformat import Block, fold
from reportgen.names import Body, namesake
from reportgen.tables import Cell, CellKey, Spec, poisson, spread_count

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


def draw_facts(rng: random.Random, report_year: int, body: Body, scale: float) -> dict[str, object]:
    """The random facts the templates quote: numbers, names, an address and a phone number."""
    place = body.place
    # The portal belongs to the government; a department publishes in a column of it.
    portal = f"{place}人民政府门户网站" if body.government else f"{place}人民政府门户网站“{body.short}”专栏"
    brand = re.sub(r"(省|市|区|县|自治区)$", "", body.short) if body.government else body.short
    big = max(scale, 0.3)
    problems = rng.sample(_PROBLEMS, 3)
    improvements = rng.sample(_IMPROVEMENTS, 2)
    focus = rng.sample(_FOCUS, 2)
    n_fee = poisson(rng, 0.3)
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
        "n_portal": spread_count(rng, 900 * big) + 12, "n_policy": spread_count(rng, 30 * big) + 1,
        "n_interpret": spread_count(rng, 15 * big) + 1, "n_policy2": spread_count(rng, 20 * big) + 1,
        "fine": f"{rng.uniform(0.5, 80) * big:.2f}", "n_reviewed": spread_count(rng, 40 * big) + 1,
        "n_cleanup": spread_count(rng, 10 * big), "n_media": spread_count(rng, 600 * big) + 5,
        "visits": spread_count(rng, 50 * big) + 1, "n_points": rng.randint(1, 12), "n_train": rng.randint(1, 12),
        "n_people": rng.randint(20, 800), "n_meetings": rng.randint(1, 9), "n_columns": rng.randint(1, 8),
        "n_train2": rng.randint(1, 6), "fee_sentence": fee_sentence,
        "n_suggest": spread_count(rng, 20 * big), "n_proposal": spread_count(rng, 25 * big),
        "n_open": rng.randint(1, 6), "n_guests": rng.randint(10, 300),
        "n_hotline": spread_count(rng, 3000 * big) + 3, "rate": rng.choice(("98.6", "99.2", "99.5", "100", "97.8")),
    }


def read_cell(cells: dict[CellKey, Cell], table: int, block: Block, row: str, column: str) -> int:
    """A cell as a sentence reads it: a blank cell counts as 0."""
    return int(cells[(table, block.key, row, column)][0] or 0)


def _short_label(label: str) -> str:
    """（二）部分公开（区分处理的…） -> 部分公开: a label as a sentence would name it."""
    text = re.sub(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]", "", fold(label))
    return re.split(r"[(（]", text)[0]


def _section3(rng: random.Random, spec: Spec, cells: dict[CellKey, Cell], facts: dict[str, object]) -> str:
    """One paragraph summarising Table 3, with its numbers."""
    block = spec.table3
    total_col = spec.row_checks3[0].left[0]
    balance = next(c for c in spec.column_checks3 if len(c.left) > 1)  # 一 + 二 = 三（七） + 四
    results = next(c for c in spec.column_checks3 if len(c.left) == 1)  # （七）= （一）…（六）

    def value(row: str) -> int:
        if row in spec.children3:
            return sum(value(child) for child in spec.children3[row])
        return read_cell(cells, 3, block, row, total_col)

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


def _section4(spec: Spec, cells: dict[CellKey, Cell], facts: dict[str, object]) -> str:
    """One sentence on administrative review and litigation, from Table 4."""
    block = spec.table4
    total_col = spec.row_checks4[0].left[0]
    totals = {r.key: read_cell(cells, 4, block, r.key, total_col) for r in block.rows_in(spec.version)}
    if not any(totals.values()):
        return f"{facts['year']}年，{facts['self']}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    review = [r for r in block.rows_in(spec.version) if not r.group_label]
    litigation = [r for r in block.rows_in(spec.version) if r.group_label]
    n_review = sum(totals[r.key] for r in review)
    n_litigation = sum(totals[r.key] for r in litigation)
    detail = "，".join(f"{r.label}{totals[r.key]}件" for r in litigation)
    return (f"{facts['year']}年，{facts['self']}因政府信息公开工作被申请行政复议{n_review}件，"
            f"被提起行政诉讼{n_litigation}件（{detail}）。")


def write_paragraphs(
    rng: random.Random, spec: Spec, cells: dict[CellKey, Cell], facts: dict[str, object]
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


def mention(body: Body, year: int) -> str:
    """A sentence naming another government in passing, and its report of the year before: the body
    and year of a report must come from its title, never from a report it quotes."""
    other = f"{namesake(body).place}人民政府"
    return (f"{year}年，{body.short}赴{other}学习政务公开标准化规范化建设经验，"
            f"并对照《{other}{year - 1}年政府信息公开工作年度报告》查找差距。")
