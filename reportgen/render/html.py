"""The report as a government web page."""

from __future__ import annotations

import html
import random
import zlib

from reportgen.names import parse_body
from reportgen.render.grid import Grid
from reportgen.render.style import Style, label, sections, style_of
from reportgen.report import SyntheticReport

_NAV = ("首页", "走进{place}", "信息公开", "办事服务", "互动交流", "数据开放")


def _site_owner(report: SyntheticReport) -> str:
    """The government whose portal carries the report (a department publishes on its government's)."""
    body = parse_body(report.body, random.Random(0))
    return f"{body.place}人民政府" if body.place else report.body


def _html_table(grid: Grid, report: SyntheticReport, style: Style) -> str:
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
                text = html.escape(label(slot, style, grid.table))
                if style.wrap_cells:
                    text = f'<p style="text-align:center">{text}</p>'
                out.append(f"<td{span}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(report: SyntheticReport) -> str:
    """The report as a government web page: navigation, article with tables, footer."""
    style = style_of(report)
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
    for heading, paragraphs, grid in sections(report):
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
