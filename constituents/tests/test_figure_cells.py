"""The department figures page builds its rows' cells in Python (figure_tags.figure_cells);
the markup must stay what the template constituents/_figure_cells.html gives."""

from __future__ import annotations

from django.template.loader import render_to_string

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


def test_cells_built_in_python_equal_the_template():
    for row in ROWS:
        assert figure_cells(row) == render_to_string("constituents/_figure_cells.html", {"row": row})


def test_cells_equal_the_template_for_an_object_row_too():
    class Row:
        pass

    for data in ROWS:
        row = Row()
        row.__dict__.update(data)
        assert figure_cells(row) == render_to_string("constituents/_figure_cells.html", {"row": row})


def test_department_rows_built_in_python_equal_the_template():
    for number, row in enumerate(ROWS):
        row = {**row, "id": number + 1, "name": "区住建局<物业>", "rank": number + 1, "ranked": number != 1,
               "kept": 4}
        context = {"row": row, "problem_list_url": "/constituents/problems/", "year": 2026}
        assert department_row(row, "/constituents/problems/", 2026) == render_to_string(
            "constituents/_department_row.html", context)
