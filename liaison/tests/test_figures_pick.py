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
