"""有关部门办理情况: acknowledged and replied measured apart, ranked only with enough cases."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from constituents.models import Forwarding, Problem
from constituents.selectors import department_year_stats
from constituents.tests.casework import drive, register
from deputies.tests.factories import DepartmentFactory

TODAY = dt.date(2026, 11, 28)


def test_rates_exclude_returns_and_small_departments_are_not_ranked(deputy_a, staff_user, settings):
    settings.CASEWORK = {"DEPARTMENT_RANKING_MIN_CASES": 2}
    busy, small = DepartmentFactory(name="区城市管理局"), DepartmentFactory(name="区体育局")
    for _ in range(3):
        drive(register(deputy_a, staff_user), Problem.State.RESOLVED, staff_user, department=busy)
    drive(register(deputy_a, staff_user), Problem.State.FORWARDED, staff_user, department=small)
    rows = {row["department__name"]: row for row in department_year_stats(Forwarding.objects.all(), 2026, TODAY)}
    assert rows["区城市管理局"]["kept"] == 3 and rows["区城市管理局"]["replied_rate"] == 1
    assert rows["区城市管理局"]["rank"] == 1
    assert rows["区体育局"]["ranked"] is False and rows["区体育局"]["acknowledged"] == 0


def test_page_is_scoped_and_flat(client_of, deputy_a, deputy_b, staff_user, assert_flat_queries):
    department = DepartmentFactory(name="区水务局")
    drive(register(deputy_a, staff_user), Problem.State.FORWARDED, staff_user, department=department)
    assert "区水务局" in client_of(staff_user).get(reverse("constituents:department_stats"),
                                                 {"year": 2026}).content.decode()
    assert "区水务局" not in client_of(deputy_b.user).get(reverse("constituents:department_stats"),
                                                       {"year": 2026}).content.decode()

    def grow():
        for index in range(5):
            drive(register(deputy_a, staff_user), Problem.State.FORWARDED, staff_user,
                  department=DepartmentFactory(name=f"区第{index}局"))

    assert_flat_queries(client_of(staff_user), reverse("constituents:department_stats"), grow=grow,
                        params={"year": 2026})
