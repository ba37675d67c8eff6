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


def test_chinese_labels_get_room_on_the_left():
    assert charts.label_margin(["区人力资源和社会保障局"]) > charts.label_margin(["区财政局"]) > 8


def test_whole_number_axis():
    assert charts.whole_number_labels(3) == [0, 1, 2, 3]
    assert charts.whole_number_labels(70) == [0, 12, 24, 36, 48, 60, 72]
