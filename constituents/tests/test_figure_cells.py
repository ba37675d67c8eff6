"""The department figures page builds its rows in Python (figure_tags): each figure in its own
right-aligned cell, rates as whole percentages (— where nothing was counted), the mean reply
time with one decimal, the department's name escaped and linked to its cases."""

from __future__ import annotations

import re

from constituents.templatetags.figure_tags import department_row, figure_cells

ROWS = [
    {"received": 0, "returned": 0, "by_suggestion": 0, "response_rate": None, "on_time_reply_rate": None,
     "solved_rate": None, "satisfaction_rate": None, "reached": 0, "first_time_solved_rate": None,
     "sent_back_rate": None, "mean_reply_days": None},
    {"received": 1234, "returned": 7, "by_suggestion": 3, "response_rate": 0.995, "on_time_reply_rate": 0.125,
     "solved_rate": 1.0, "satisfaction_rate": 0.875, "reached": 12, "first_time_solved_rate": 0.005,
     "sent_back_rate": 0.0, "mean_reply_days": 3.25},
    {"received": 5, "returned": 1, "by_suggestion": 0, "response_rate": 2 / 3, "on_time_reply_rate": 1 / 3,
     "solved_rate": 0.5, "satisfaction_rate": 0.015, "reached": 1, "first_time_solved_rate": 0.045,
     "sent_back_rate": 0.2, "mean_reply_days": 12},
]
# 转交, 退办, 已由建议答复, 签收及时率, 按期答复率, 解决率, 满意率 (with 回访 N 人次), 首次办复解决率, 发回重办率, 平均答复用时
CELLS = [
    ["0", "0", "0", "—", "—", "—", '—<div class="small text-muted">回访0人次</div>', "—", "—", "—"],
    ["1234", "7", "3", "100%", "12%", "100%", '88%<div class="small text-muted">回访12人次</div>', "0%", "0%", "3.3"],
    ["5", "1", "0", "67%", "33%", "50%", '2%<div class="small text-muted">回访1人次</div>', "4%", "20%", "12.0"],
]


def cells(html: str) -> list[str]:
    assert html.count("<td") == html.count('<td class="text-end">'), html  # every figure right-aligned
    return re.findall(r'<td class="text-end">(.*?)</td>', html)


def test_each_figure_in_its_cell_as_the_page_shows_it():
    for row, expected in zip(ROWS, CELLS, strict=True):
        assert cells(figure_cells(row)) == expected


def test_an_object_row_reads_the_same_as_a_dict_row():
    class Row:
        pass

    for data, expected in zip(ROWS, CELLS, strict=True):
        row = Row()
        row.__dict__.update(data)
        assert cells(figure_cells(row)) == expected


def test_a_department_row_links_its_cases_escapes_its_name_and_ranks_only_when_counted_enough():
    ranked = department_row({**ROWS[2], "id": 3, "name": "区民政局", "rank": 3, "ranked": True, "kept": 4},
                            "/constituents/problems/", 2026)
    assert ranked.startswith("\n<tr><td>3</td>\n"
                             '<td><a href="/constituents/problems/?department=3&amp;year=2026">区民政局</a></td>')
    assert re.findall(r'<td class="text-end">(.*?)</td>', ranked) == [*CELLS[2], "4"]
    assert ranked.endswith('<td class="text-end">4</td></tr>\n')

    unranked = department_row({**ROWS[1], "id": 2, "name": "区住建局<物业>", "rank": 2, "ranked": False, "kept": 9},
                              "/constituents/problems/", 2026)
    assert unranked.startswith('\n<tr><td><span class="text-muted small">件数不足</span></td>\n'
                               '<td><a href="/constituents/problems/?department=2&amp;year=2026">'
                               "区住建局&lt;物业&gt;</a></td>")
    assert "<物业>" not in unranked
    assert re.findall(r'<td class="text-end">(.*?)</td>', unranked) == [*CELLS[1], "9"]
