"""Reads that grow: overviews built from a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from deputies.models import Deputy, DeputyGroup, DeputyStatus

from .models import RotationEntry, RotationPlan, WrittenReport


@dataclass
class GroupWrittenRow:
    group: DeputyGroup
    plan: RotationPlan | None = None
    serving: int = 0
    face_to_face: int = 0
    owed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # Not yet submitted: (deputy, "未开始" / "草稿" / "退回修改").
    missing: list[tuple[Deputy, str]] = field(default_factory=list)

    @property
    def filed(self) -> int:
        return self.by_status.get(WrittenReport.Status.FILED, 0)

    @property
    def awaiting_review(self) -> int:
        return self.by_status.get(WrittenReport.Status.SUBMITTED, 0)

    @property
    def accepted(self) -> int:
        return self.by_status.get(WrittenReport.Status.ACCEPTED, 0)


def written_overview(user, year: int, *, groups=None) -> list[GroupWrittenRow]:
    """Per group: who owes a written report this year, and what is missing (five queries).

    `groups`: the groups to report on (a page of them, already visible_to the user); by default
    every group the user may see, which at a province's scale is 8,000 groups and 100k deputies:
    the Excel export reads that, a page reads one page of groups (perf, issue 11)."""
    if groups is None:
        groups = DeputyGroup.objects.visible_to(user).select_related("sub_district")
    groups = list(groups)
    rows = {g.pk: GroupWrittenRow(group=g) for g in groups}
    plans = {p.group_id: p for p in RotationPlan.objects.filter(group__in=groups, year=year).select_related("term")}
    for group_id, plan in plans.items():
        rows[group_id].plan = plan
    picked = set(
        RotationEntry.objects.filter(plan__in=plans.values()).values_list("deputy_id", flat=True)
    )
    reports = dict(
        WrittenReport.objects.filter(year=year, plan__group__in=groups).values_list("deputy_id", "status")
    )
    term_ids = {p.term_id for p in plans.values()}
    deputies = (
        Deputy.objects.filter(group__in=groups, term_id__in=term_ids, status=DeputyStatus.SERVING)
        .only("id", "name", "group_id", "term_id")
        .order_by("group_id", "name")
    )
    for deputy in deputies:
        row = rows[deputy.group_id]
        if row.plan is None or row.plan.term_id != deputy.term_id:
            continue
        row.serving += 1
        if deputy.pk in picked:
            row.face_to_face += 1
            continue
        row.owed += 1
        status = reports.get(deputy.pk)
        if status is not None:
            row.by_status[status] = row.by_status.get(status, 0) + 1
        if status is None:
            row.missing.append((deputy, "未开始"))
        elif status in (WrittenReport.Status.DRAFT, WrittenReport.Status.RETURNED):
            row.missing.append((deputy, WrittenReport.Status(status).label))
    return list(rows.values())

