"""liaison/charts.py: the SVG a page inlines has no script, fetches nothing and names the PDF font."""

from __future__ import annotations

import re

import pygal
import pytest

from liaison import charts


@pytest.mark.parametrize("kind", [pygal.Bar, pygal.StackedBar, pygal.HorizontalBar, pygal.HorizontalStackedBar,
                                  pygal.Dot])
def test_rendered_svg_is_safe_to_inline(kind):
    drawing = charts.make(kind, height=300, x_labels=["城关第一代表组", "<b>乙</b>"])
    drawing.add("按期答复率", [1, None])
    drawing.add("满意率", [2, 3])
    svg = charts.render(drawing, label="图表标题")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="图表标题"' in svg
    assert "<script" not in svg and not re.search(r"\son[a-z]+\s*=", svg)  # the CSP allows no inline script
    assert not re.findall(r"https?://(?!www\.w3\.org/)", svg)  # nothing fetched: no CDN, no pygal.js
    assert "<b>" not in svg and "&lt;b&gt;" in svg  # labels are escaped
    assert "Noto Sans CJK SC" in svg and "width:100%" in svg


def test_rendered_svg_carries_no_tooltip_leftovers():
    """Without pygal's script its tooltip data is dead weight: no <desc>, coordinates to a hundredth."""
    drawing = charts.make(pygal.StackedBar, height=300, x_labels=[f"{month}月" for month in range(1, 13)])
    for series in ("城市建设", "交通出行", "就业创业"):
        drawing.add(series, [month * 7 % 11 for month in range(1, 13)])
    svg = charts.render(drawing, label="各月群众反映问题")
    assert "<desc" not in svg
    assert not re.search(r"\d\.\d{3}", svg)
    assert svg.count("<rect") >= 36 and "城市建设" in svg  # the bars and the legend are all still drawn


def test_chinese_labels_get_room_on_the_left():
    assert charts.label_margin(["区人力资源和社会保障局"]) > charts.label_margin(["区财政局"]) > 8


def test_whole_number_axis():
    assert charts.whole_number_labels(3) == [0, 1, 2, 3]
    assert charts.whole_number_labels(70) == [0, 12, 24, 36, 48, 60, 72]


def test_chart_card_is_what_a_clerk_sees():
    chart = charts.Chart(
        key="by-group", title="各组<b>x</b>", columns=["代表组", "件数", "办结率"],
        rows=[["<b>x</b>组", 1234, 87.5], ["乙组", 0, None]], svg=charts.mark_safe("<svg>drawn</svg>"),
        note="数据更新于 10:05", footnotes=["共 41 个代表组，只列 40 个。"],
    )
    assert chart.html == (
        '<figure class="card mb-0 chart" id="chart-by-group"><div class="card-header">'
        '<figcaption class="mb-0">各组&lt;b&gt;x&lt;/b&gt;</figcaption></div>\n'
        '<div class="card-body">\n'
        '<div class="chart-svg mx-auto"><svg>drawn</svg></div>\n'
        '<p class="small text-muted mb-1">共 41 个代表组，只列 40 个。</p>\n'
        '<details class="mt-2"><summary>数据表</summary>\n'
        '<div class="table-responsive"><table class="table table-sm text-nowrap mb-0">\n'
        '<thead><tr><th scope="col">代表组</th><th scope="col">件数</th><th scope="col">办结率</th></tr></thead>\n'
        '<tbody><tr><th scope="row">&lt;b&gt;x&lt;/b&gt;组</th><td>1234</td><td>87.5</td></tr>'
        '<tr><th scope="row">乙组</th><td>0</td><td>None</td></tr></tbody>\n'
        '</table></div></details>\n'
        '<p class="small text-muted mb-0 mt-2">数据更新于 10:05</p>\n'
        '</div></figure>\n'
    )


def test_empty_chart_card_says_so():
    chart = charts.Chart(key="empty", title="标题", columns=["月份"], rows=[], empty_text="本年还没有<活动>。")
    assert chart.html == (
        '<figure class="card mb-0 chart" id="chart-empty"><div class="card-header">'
        '<figcaption class="mb-0">标题</figcaption></div>\n'
        '<div class="card-body">\n<div class="empty-state">本年还没有&lt;活动&gt;。</div>\n\n\n\n</div></figure>\n'
    )
    assert '<div class="empty-state">暂无记录。</div>' in charts.Chart(key="e", title="t", columns=[], rows=[],
                                                                   empty_text="").html


def test_district_charts_are_drawn_once_per_snapshot(db, django_assert_num_queries):
    from liaison.models import FigureSnapshot

    snapshot = FigureSnapshot.objects.create(key="charts.test:1", computed_at=charts.timezone.now(), data=charts.stored(
        [charts.Chart(key="k", title="第一次", columns=["a"], rows=[["1"]], svg="<svg/>")]))
    with django_assert_num_queries(1):
        first = charts.district_stored(snapshot.key)
    with django_assert_num_queries(1):  # the snapshot's time only: the kept charts are still its charts
        assert charts.district_stored(snapshot.key) is first
    assert "第一次" in first[0].html and "数据更新于" in first[0].note

    snapshot.data = charts.stored([charts.Chart(key="k", title="第二次", columns=["a"], rows=[["2"]], svg="<svg/>")])
    snapshot.computed_at = charts.timezone.now()
    snapshot.save()  # what refresh() does: new figures come with a new time
    with django_assert_num_queries(1):
        second = charts.district_stored(snapshot.key)
    assert "第二次" in second[0].html and "第一次" not in second[0].html


def test_cell_text_prints_what_a_template_prints():
    import datetime as dt
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from liaison.cells import text

    template = Template("{{ value }}")
    for value in ["<b>x</b> & '\"", mark_safe("<svg/>"), "", 0, 1234567, -5, True, None, 87.5, 1 / 3,
                  Decimal("12.50"), dt.date(2026, 3, 9), gettext_lazy("登录"), ["a"]]:
        assert text(value) == template.render(Context({"value": value})), value
