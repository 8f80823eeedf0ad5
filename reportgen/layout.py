"""Layout: the shapes real reports take beyond their content, as options to the renderers.

Each option reproduces one shape seen in reports from the wild (the issue "Real reports from
the wild"); the default ``Layout()`` is the plain rendering every renderer has always made.
An option names the renderers it applies to; the others ignore it. A shape that by nature
loses cells (the markdown converter's broken Table 2) says which, through ``lost_cells``, so
a test expects them absent, never wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# How the title orders its parts; {body} and {year} are filled in, {year}年 may gain spaces.
TITLE_FORMS = {
    "body_first": "{body}{year}年政府信息公开工作年度报告",
    "year_first": "{year}年{body}政府信息公开工作年度报告",
    "year_du": "{body}{year}年度政府信息公开工作报告",
    "no_work": "{body}{year}年政府信息公开年度报告",
    "guanyu": "{body}关于{year}年度政府信息公开工作的年度报告",
}
NUMBERINGS = (".", "、", "．")  # the mark after 1 in 1.属于国家秘密
BLANK_MARKS = ("无", "—", "/")  # printed in a blank cell instead of nothing


@dataclass(frozen=True)
class Layout:
    """How one rendering lays a report out; ``Layout()`` is the plain rendering."""

    # ---- the title and what stands around it (text, HTML, markdown, Word, PDF unless noted)
    title: str = "body_first"  # a key of TITLE_FORMS
    title_spaced: bool = False  # "2024 年": spaces around the year, as PDF exports print it
    title_break: bool = False  # the title wraps: its last four characters on a line of their own
    subtitle: bool = False  # a line under the title: （2022年1月1日至2022年12月31日）
    title_label: bool = False  # 标题：before the title
    title_hash: bool = False  # a markdown "# " before the title (text, markdown)
    furniture: bool = False  # 信息来源 发布日期 浏览次数, 字号 大 中 小, 分享到, 打印本页 (text, HTML)
    mention: bool = False  # another body named once, in passing, in section 一

    # ---- HTML tables
    split_header_cells: bool = False  # a header cell as several <p>, padded with &nbsp;
    split_digits: bool = False  # <span>1</span><span>2</span>
    split_table3: bool = False  # Table 3 as several <table>s: the header, rows, a break, rows
    wrapped_labels: bool = False  # a long row label in a row of its own above its numbers (HTML, markdown)

    # ---- labels (every renderer)
    alt_labels: bool | None = None  # 行政规范性文件 / 规范性文件 swapped; None: as the report's style draws it
    halfwidth: bool | None = None  # (一) rather than （一）; None: as the report's style draws it
    numbering: str = "."  # one of NUMBERINGS: 1.属于国家秘密, 1、属于国家秘密, 1．属于国家秘密
    one_row_other_handling: bool = False  # 2021: （六）其他处理 as one row, its three sub-rows summed

    # ---- cells (every renderer)
    long_decimals: bool = False  # amounts in 万元 to six decimals: 5949.088667
    blank_marks: bool = False  # a blank cell printed 无, — or / in turn
    unchanged_as_text: bool = False  # 2019 Table 2 本年增/减 of 0 printed 持平
    approximate: bool = False  # Table 2 counts from 100 up printed with 余: 1200余
    units_written: bool = False  # 万元 written into every amount cell

    # ---- markdown, as a PDF-to-markdown converter leaves a report
    md_chunks: bool = False  # a |---| separator after the first row of each run of rows of one width
    md_headings: bool = False  # "## 表三：收到和处理政府信息公开申请情况" before each run of table rows
    page_footers: bool = False  # page footers "— 4 —" inside paragraphs and tables
    split_group_labels: bool = False  # a group label in pieces over the rows it spans: （三）不 / 予公开
    glued_table4: bool = False  # Table 4's header as glued lines of words over one row of 15 numbers
    broken_table2: bool = False  # Table 2's first block loses a column to text above it; the rest as lines

    # ---- PDF
    landscape_table3: bool = False  # Table 3 alone on a page rotated to landscape (/Rotate 90)

    def __post_init__(self) -> None:
        if self.title not in TITLE_FORMS:
            raise ValueError(f"title must be one of {', '.join(TITLE_FORMS)}, not {self.title!r}")
        if self.numbering not in NUMBERINGS:
            raise ValueError(f"numbering must be one of {' '.join(NUMBERINGS)}, not {self.numbering!r}")

    def changes(self) -> dict[str, object]:
        """The options that differ from the plain rendering."""
        plain = Layout()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(plain, f.name)}


PLAIN = Layout()
