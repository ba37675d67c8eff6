"""Read a chart back from a page as a user would: its SVG and the numbers in its 数据表."""

from __future__ import annotations

import html
import re


def chart_figure(page: str, key: str) -> str:
    match = re.search(rf'<figure[^>]*id="chart-{re.escape(key)}".*?</figure>', page, re.S)
    assert match, f"chart {key} is not on the page"
    return match.group(0)


def chart_table(page: str, key: str) -> dict[str, list[str]]:
    """{first cell: [the other cells]} of the chart's data table; {} when the chart is empty."""
    figure = chart_figure(page, key)
    rows = {}
    for row in re.findall(r"<tbody>.*?</tbody>", figure, re.S)[:1]:
        for cells in re.findall(r"<tr>(.*?)</tr>", row, re.S):
            values = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                      for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, re.S)]
            rows[values[0]] = values[1:]
    return rows


def has_svg(page: str, key: str) -> bool:
    figure = chart_figure(page, key)
    return "<svg" in figure and "<script" not in figure
