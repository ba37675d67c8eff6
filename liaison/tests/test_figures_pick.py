"""figures_pick: a page reads only the entries of a stored figure it shows."""

from __future__ import annotations

from django.utils import timezone

from liaison.figures import figures_pick
from liaison.models import FigureSnapshot


def test_only_the_named_entries_it_has(db):
    at = timezone.now()
    FigureSnapshot.objects.create(key="mailbox.rollup:2026-3", data={"1": 3, "2": 5, "7": 0}, computed_at=at)
    assert figures_pick("mailbox.rollup:2026-3", [2, 7, 9]) == ({"2": 5, "7": 0}, at)
    assert figures_pick("mailbox.rollup:2026-3", []) == ({}, at)


def test_a_figure_not_stored_yet_is_computed_then_picked(db, monkeypatch):
    monkeypatch.setattr("liaison.figures._compute", lambda key: {"district": {"received": 4}, "departments": []})
    data, _at = figures_pick("constituents.departments:2026-3", ["district"])
    assert data == {"district": {"received": 4}}
    assert FigureSnapshot.objects.filter(key="constituents.departments:2026-3").exists()


def test_a_long_list_is_kept_in_parts_and_a_page_reads_only_its_own(db, monkeypatch, django_assert_num_queries):
    from liaison import figures

    key = "constituents.department_groups:2026"
    groups = [{"name": f"第{n}组", "received": n} for n in range(250)]
    monkeypatch.setattr("liaison.figures._compute", lambda _key: {"groups": list(groups), "note": "全区"})
    figures.refresh(key)
    assert FigureSnapshot.objects.filter(key__startswith=f"{key}#").count() == 3  # 100 + 100 + 50
    assert len(FigureSnapshot.objects.get(key=key).data["groups"]) == 2  # parts and length, not the rows
    with django_assert_num_queries(1):
        rest, rows, total, _at = figures.figures_slice(key, "groups", 100, 200)
    assert rows == groups[100:200] and total == 250 and rest == {"note": "全区"}
    assert figures.figures_slice(key, "groups", 150, 250)[1] == groups[150:250]  # across two parts
    assert figures.figures_slice(key, "groups", 240, 340)[1] == groups[240:]
    assert figures.figures_slice(key, "groups", 400, 500)[1:3] == ([], 250)
    # The whole list (the Excel export) comes back in order.
    assert figures.figures(key)[0]["groups"] == groups
    # A shorter list drops the parts it no longer needs; the beat job refreshes figures, not their parts.
    del groups[120:]
    assert figures.refresh_all() >= 1
    assert FigureSnapshot.objects.filter(key__startswith=f"{key}#").count() == 2
    assert figures.figures_slice(key, "groups", 100, 200)[1:3] == (groups[100:], 120)


def test_a_list_stored_whole_before_it_was_kept_in_parts_is_still_read(db):
    from liaison import figures

    at = timezone.now()
    FigureSnapshot.objects.create(key="constituents.department_groups:2025", computed_at=at,
                                  data={"groups": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}]})
    assert figures.figures_slice("constituents.department_groups:2025", "groups", 1, 3) == (
        {}, [{"name": "乙"}, {"name": "丙"}], 3, at)
