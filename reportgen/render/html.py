"""The report as a government web page."""

from __future__ import annotations

import html
import random
import zlib

from reportgen.cells import printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.names import parse_body
from reportgen.render.grid import Grid, Slot, header_rows, split_rows, wrap_long_labels
from reportgen.render.page import FONT_SIZE, PRINT, SHARE, page_title, sections, subtitle, title_lines, views
from reportgen.render.style import Style, label, style_of
from reportgen.report import SyntheticReport
from reportgen.tables import Cell, CellKey

_NAV = ("首页", "走进{place}", "信息公开", "办事服务", "互动交流", "数据开放")
_WRAP_FROM = 20  # a Table 3 row label this long wraps into a row of its own (wrapped_labels)
_PAGE_BREAK = '<p style="page-break-after:always">&nbsp;</p>'


def _site_owner(report: SyntheticReport) -> str:
    """The government whose portal carries the report (a department publishes on its government's)."""
    body = parse_body(report.body, random.Random(0))
    return f"{body.place}人民政府" if body.place else report.body


def _split_text(text: str) -> str:
    """A header cell as an editor leaves it: the text in several <p>, padded with &nbsp;."""
    size = max(2, -(-len(text) // 3)) if len(text) > 8 else max(2, -(-len(text) // 2))
    parts = [html.escape(text[i: i + size]) for i in range(0, len(text), size)]
    return "".join(f"<p>{'&nbsp;' * (1 + i % 2)}{part}&nbsp;</p>" for i, part in enumerate(parts))


def _cell(slot: Slot, grid: Grid, cells: dict[CellKey, Cell], style: Style, layout: Layout) -> str:
    """One <td>: a figure, a label or an empty cell."""
    span = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
        f' colspan="{slot.colspan}"' if slot.colspan > 1 else "")
    if slot.role == "filler":
        return f"<td{span}>&nbsp;</td>"
    if slot.key is not None:
        raw = cells[slot.key][1]
        if not raw:
            return f"<td{span}>&nbsp;</td>"
        if layout.split_digits:
            return f"<td{span}>{''.join(f'<span>{html.escape(ch)}</span>' for ch in raw)}</td>"
        return f"<td{span}>{html.escape(raw)}</td>"
    plain = label(slot, style, grid.table)
    if layout.split_header_cells and slot.role in ("corner", "block", "column") and len(plain) >= 4:
        return f"<td{span}>{_split_text(plain)}</td>"
    text = html.escape(plain)
    if style.wrap_cells:
        text = f'<p style="text-align:center">{text}</p>'
    return f"<td{span}>{text}</td>"


def _html_table(grid: Grid, cells: dict[CellKey, Cell], style: Style, layout: Layout) -> str:
    """One table with rowspan/colspan; a blank cell is &nbsp; as on real pages."""
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>']
    for row in grid.rows:
        out.append("<tr>")
        out.extend(_cell(slot, grid, cells, style, layout) for slot in row)
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _tables(grid: Grid, cells: dict[CellKey, Cell], style: Style, layout: Layout) -> list[str]:
    """A grid as the page prints it: one table, or Table 3 cut into several with a page break."""
    if grid.table == 3 and layout.wrapped_labels:
        grid = wrap_long_labels(grid, _WRAP_FROM)
    if grid.table != 3 or not layout.split_table3:
        return [_html_table(grid, cells, style, layout)]
    top = header_rows(grid)
    header, first, rest = split_rows(grid, [top, top + (grid.nrows - top) // 2])
    return [_html_table(header, cells, style, layout), _html_table(first, cells, style, layout), _PAGE_BREAK,
            _html_table(rest, cells, style, layout)]


def render_html(report: SyntheticReport, layout: Layout = PLAIN) -> str:
    """The report as a government web page: navigation, article with tables, footer."""
    style = style_of(report, layout)
    cells = printed_cells(report, layout)
    owner = _site_owner(report)
    place = owner.removesuffix("人民政府")
    esc = html.escape
    site_code = f"{zlib.crc32(owner.encode()) % 10**10:010d}"
    nav = "".join(f'<li><a href="/c{i}/">{esc(item.format(place=place))}</a></li>' for i, item in enumerate(_NAV))
    head_title = page_title(report, layout) + (f"_{owner}" if layout.furniture else "")
    info = f"信息来源：{esc(report.body)}　发布日期：{report.published} 09:30"
    if layout.furniture:
        info += f'　浏览次数：<span id="count">{views(report)}</span>'
    out = [
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(head_title)}</title></head><body>',
        f'<div class="header"><div class="logo">{esc(owner)}</div></div>',
        f'<div class="nav"><ul>{nav}</ul></div>',
        '<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; '
        '<a href="/xxgk/ndbg/">政府信息公开年报</a></div>',
        '<div class="article">',
        f"<h1>{'<br>'.join(esc(line) for line in title_lines(report, layout))}</h1>",
    ]
    if layout.subtitle:
        out.append(f"<h2>{esc(subtitle(report))}</h2>")
    out.append(f'<div class="info">{info}</div>')
    if layout.furniture:
        out.append(f'<div class="fontsize">{esc(FONT_SIZE)}</div>')
    out.append('<div class="content">')
    for heading, paragraphs, grid in sections(report, layout):
        if style.heading_tag == "h3":
            out.append(f"<h3>{esc(heading)}</h3>")
        elif style.heading_tag == "strong":
            out.append(f"<p><strong>{esc(heading)}</strong></p>")
        else:
            out.append(f"<p>{esc(heading)}</p>")
        out.extend(f"<p>{esc(p)}</p>" for p in paragraphs)
        if grid is not None:
            out.extend(_tables(grid, cells, style, layout))
    tools = ""  # after the article's content, inside the article
    if layout.furniture:
        tools = (f'<div class="bdsharebuttonbox">{esc(SHARE)}<a class="bds_weixin"></a><a class="bds_tsina"></a></div>'
                 f'<div class="dayin"><a href="javascript:window.print()">{esc(PRINT)}</a></div>')
    out += [
        f'<p style="text-align:right">{esc(report.body)}</p>',
        f'<p style="text-align:right">{style.signed}</p>',
        f"</div>{tools}</div>",
        f'<div class="footer"><p>版权所有：{esc(owner)}　主办单位：{esc(owner)}办公室</p>'
        f"<p>网站标识码：{site_code}</p>"
        f"<p>本网站所有内容版权归{esc(owner)}所有，未经授权不得转载或建立镜像。</p></div>",
        "</body></html>",
    ]
    return "\n".join(out)
