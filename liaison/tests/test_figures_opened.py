"""The beat job draws the figures each district page opens on, so no person's page view draws them:
at a province's scale each took seconds inside the request (perf, issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison import figures

PAGES = [  # (who, page): every district page that reads a stored figure, as it opens
    ("staff_user", "home"), ("committee_user", "home"), ("committee_user", "mailbox:issue_board"),
    ("staff_user", "mailbox:summary_list"), ("staff_user", "constituents:department_stats"),
    ("staff_user", "constituents:common_problems"),
]


@pytest.mark.parametrize("who, page", PAGES)
def test_after_the_beat_job_a_page_draws_no_figure_itself(request, client_of, deputy_a, monkeypatch, who, page):
    from liaison.tasks import refresh_district_figures

    refresh_district_figures.delay().get()

    def drawn_on_a_page_view(key):
        raise AssertionError(f"{key} drawn on a page view")

    monkeypatch.setattr(figures, "_compute", drawn_on_a_page_view)
    response = client_of(request.getfixturevalue(who)).get(reverse(page))
    assert response.status_code == 200


def test_a_period_no_page_opens_on_is_still_drawn_when_first_opened(client_of, committee_user, deputy_a):
    from liaison.models import FigureSnapshot

    figures.refresh_all()
    assert not FigureSnapshot.objects.filter(key="mailbox.board:2025").exists()
    assert client_of(committee_user).get(reverse("mailbox:issue_board"), {"year": 2025}).status_code == 200
    assert FigureSnapshot.objects.filter(key="mailbox.board:2025").exists()  # and kept current from now on


@pytest.mark.parametrize("today, year, last_quarter", [
    (dt.date(2026, 12, 1), "2026", "2026-3"),
    (dt.date(2027, 1, 1), "2027", "2026-4"),  # a new year: the roll-up opens on last year's fourth quarter
    (dt.date(2027, 4, 1), "2027", "2027-1"),
])
def test_the_periods_follow_the_calendar(today, year, last_quarter):
    keys = figures.opened_on(today)
    assert {f"charts.constituents:{year}", f"mailbox.board:{year}", f"constituents.departments:{year}",
            f"mailbox.rollup:{last_quarter}", f"constituents.departments:{last_quarter}",
            "charts.mailbox:current"} <= keys
    assert all(key.startswith(tuple(figures.PERIOD_FIGURES)) for key in keys)
