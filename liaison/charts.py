"""Server-rendered SVG charts (pygal), shared by every app's chart builders.

A chart is drawn on the server so the same picture appears on a page and in a
printed PDF, with no JavaScript and nothing fetched from a CDN: pygal's own
script tags (its tooltips) are taken out of the SVG, because the CSP allows no
inline script and offices run on intranets. Each chart carries its numbers as a
table (shown under a <details> for screen readers and for copying) and an empty
state when there is nothing to draw.

The apps build their charts next to the data they read (constituents/charts.py,
mailbox/charts.py, reports/charts.py); this module only knows how to draw.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pygal
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from .cells import text as _text

# The font the PDFs use (fontconfig family name); phones without it fall back to their own CJK sans.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
# Bootstrap's palette, dark enough for text-free bars on white.
COLORS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#6c757d", "#d63384",
          "#0dcaf0", "#ffc107", "#495057", "#8540f5")
# A narrow drawing (viewBox) scaled to the width of its card: its 14-unit text stays readable on a
# 360 px phone (about 10 px there) and does not grow past 1.5× on a desktop (see CHART_MAX_WIDTH).
WIDTH = 440
FONT_SIZE = 14
CHART_MAX_WIDTH = 660
DISTRICT_REFRESH_MINUTES = 5  # the beat job refresh_district_figures (liaison/schedules.py)
# Bars one chart draws at most (a district has 12–40 groups or departments; a province thousands).
MOST_ROWS_DRAWN = 40
MONTHS = [f"{month}月" for month in range(1, 13)]


@dataclass
class Chart:
    """One chart as a page shows it: the SVG (empty when there is no data) and its numbers."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    svg: SafeString | str = ""
    empty_text: str = "暂无数据。"
    note: str = ""
    footnotes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.svg

    @cached_property
    def html(self) -> SafeString:
        """The chart's card as every page shows it: title, drawing, footnotes, 数据表 and note, or the
        empty state. Written here rather than in a template: a district chart's table is hundreds of
        cells, and rendering them through template lookups was most of the staff home's time."""
        if self.is_empty:
            body = f'<div class="empty-state">{_text(self.empty_text or "暂无记录。")}</div>\n\n'
        else:
            footnotes = "".join(f'<p class="small text-muted mb-1">{_text(footnote)}</p>' for footnote in self.footnotes)
            head = "".join(f'<th scope="col">{_text(column)}</th>' for column in self.columns)
            rows = "".join(_table_row(row) for row in self.rows)
            body = (
                f'<div class="chart-svg mx-auto">{_text(self.svg)}</div>\n{footnotes}\n'
                '<details class="mt-2"><summary>数据表</summary>\n'
                '<div class="table-responsive"><table class="table table-sm text-nowrap mb-0">\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>{rows}</tbody>\n</table></div></details>"
            )
        note = f'<p class="small text-muted mb-0 mt-2">{_text(self.note)}</p>' if self.note else ""
        return mark_safe(  # noqa: S308 - every value is escaped by _text
            f'<figure class="card mb-0 chart" id="chart-{_text(self.key)}"><div class="card-header">'
            f'<figcaption class="mb-0">{_text(self.title)}</figcaption></div>\n'
            f'<div class="card-body">\n{body}\n{note}\n</div></figure>\n'
        )


def _table_row(row) -> str:
    if not row:
        return "<tr></tr>"
    first, *rest = row
    cells = "".join(f"<td>{_text(cell)}</td>" for cell in rest)
    return f'<tr><th scope="row">{_text(first)}</th>{cells}</tr>'


def style(**overrides) -> Style:
    options = {
        "font_family": FONT_FAMILY, "background": "transparent", "plot_background": "#ffffff",
        "foreground": "#212529", "foreground_strong": "#212529", "foreground_subtle": "#6c757d",
        "colors": COLORS, "opacity": ".9", "opacity_hover": "1",
        "label_font_size": FONT_SIZE, "major_label_font_size": FONT_SIZE, "legend_font_size": FONT_SIZE,
        "value_font_size": 13, "value_label_font_size": 13, "tooltip_font_size": 14, "title_font_size": 16,
        "no_data_font_size": 20, "guide_stroke_color": "#ced4da", "major_guide_stroke_color": "#ced4da",
    }
    options.update(overrides)
    return Style(**options)


def make(kind: type[pygal.graph.graph.Graph], *, height: int, **options) -> pygal.graph.graph.Graph:
    """A pygal chart configured for this site: no script, no declared size (it takes its card's width)."""
    config = {
        "width": WIDTH, "height": height, "js": [], "disable_xml_declaration": True, "explicit_size": False,
        "style": style(), "legend_at_bottom": True, "legend_at_bottom_columns": 3, "legend_box_size": 12,
        "truncate_label": -1, "truncate_legend": -1, "margin": 8, "margin_right": 24, "spacing": 8,
        "no_data_text": "暂无数据", "print_zeroes": False, "tooltip_fancy_mode": False,
    }
    config.update(options)
    labels = config.get("x_labels")
    if kind.__name__.startswith("Horizontal") and labels and "margin_left" not in options:
        config["margin_left"] = label_margin(labels, font_size=config["style"].label_font_size,
                                             margin=config["margin"])
    return kind(**config)


def label_margin(labels, *, font_size: int = FONT_SIZE, margin: int = 8) -> int:
    """Left margin for Chinese labels: pygal measures a character as 0.6 em, a Chinese one is a whole em."""
    return margin + round(0.45 * font_size * max((len(str(label)) for label in labels), default=0))


_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")


def render(chart, *, label: str) -> SafeString:
    """The chart's <svg> element for inlining in HTML: scripts and comments removed, sized by CSS."""
    config, series = chart.config, len(chart.raw_series)
    if config.show_legend and config.legend_at_bottom and series:
        # pygal reserves (series // columns) legend rows: fewer than drawn when they do not divide evenly.
        columns = min(config.legend_at_bottom_columns or 3, series)
        config.legend_at_bottom_columns = columns
        if series % columns:
            config.margin_bottom = (config.margin_bottom or config.margin) + round(1.5 * config.style.legend_font_size)
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            # Comments, scripts, and the <desc> elements pygal's tooltip script reads (four a bar, with
            # coordinates to fifteen places): without the script they were most of a chart's bytes.
            if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] in ("script", "desc"):
                parent.remove(child)
    for element in root.iter():  # coordinates to a hundredth of a unit: no visible difference
        for name, value in element.attrib.items():
            if "." in value:
                element.set(name, _LONG_DECIMAL.sub(r"\1", value))
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("style", f"width:100%;height:auto;max-width:{CHART_MAX_WIDTH}px;display:block")
    ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return mark_safe(ElementTree.tostring(root, encoding="unicode"))  # noqa: S308 - pygal escapes the labels


def most_in_need(rows: list, *, need: Callable, noun: str, measure: str, limit: int = MOST_ROWS_DRAWN):
    """At most `limit` rows: a district draws every group, a province's thousands would make a 25 MB
    page no one can read. Past the limit, the rows most in need of attention (lowest `need`) are kept,
    lowest first, and the footnote says so; the full list stays on the page the chart summarises."""
    if len(rows) <= limit:
        return rows, []
    kept = sorted(rows, key=need)[:limit]
    return kept, [f"共 {len(rows)} 个{noun}，图和数据表只列{measure}最低的 {limit} 个。"]


def whole_number_labels(top: int, *, most: int = 6) -> list[int]:
    """Axis labels 0…top in whole steps (a count of cases or meetings has no 0.2)."""
    step = max(1, -(-top // most))
    return list(range(0, top + step, step))


def horizontal_height(rows: int, *, per_row: int = 26, extra: int = 110) -> int:
    """Room for `rows` bars in a horizontal chart, its axis and a legend."""
    return max(180, rows * per_row + extra)


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def percent_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def stored(charts_: Sequence[Chart]) -> dict:
    """Charts as JSON for liaison.figures (FigureSnapshot): drawn once by beat, read by every page view."""
    return {"charts": [dataclasses.asdict(chart) | {"svg": str(chart.svg)} for chart in charts_]}


# The district's charts as last drawn, per process: {key: ((pk, computed_at), charts)}. A snapshot row
# never changes without its computed_at (liaison.figures.refresh), so kept charts are exactly what
# the row holds; they are the same for everyone who sees the district (nothing per user in them), and
# their cards (Chart.html) are rendered once per snapshot instead of on every view (perf, issue 11).
_district_drawn: dict[str, tuple[tuple, list[Chart]]] = {}


def district_stored(key: str) -> list[Chart]:
    """The whole district's charts, the same for everyone who sees it: drawn by the beat job that keeps
    the district figures current (liaison.figures), never on a page view: at a province's scale
    drawing them counts millions of rows. Each chart's note says how fresh it is.

    One query either way: the row's time, and its data only when it differs from the kept charts'."""
    from .figures import refresh, stored_row

    kept = _district_drawn.get(key)
    row = stored_row(key, unless=kept and kept[0])
    if kept is not None and row is not None and row[:2] == kept[0]:
        return kept[1]
    if row is None:  # the beat job has not run yet
        snapshot = refresh(key)
        row = (snapshot.pk, snapshot.computed_at, snapshot.data)
    version, stored, computed_at = row[:2], row[2], row[1]
    note = f"数据更新于 {timezone.localtime(computed_at):%H:%M}，每 {DISTRICT_REFRESH_MINUTES} 分钟更新一次。"
    drawn = [Chart(**(chart | {"svg": mark_safe(chart["svg"]), "note": note})) for chart in stored["charts"]]  # noqa: S308
    _district_drawn[key] = (version, drawn)
    return drawn
