"""Reads that pages and panels share. Each is a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, OuterRef, Q, Subquery

from deputies.models import Community, Deputy, DeputyStatus, SubDistrict

from .models import Mailbox, Opening, QuarterlySummary
from .weeks import Quarter, Week


def mailboxes_with_week(queryset, week: Week):
    """Boxes with `opened_in_week`, `last_opened_at` and their keeper, ready for a table."""
    last_opened = Opening.objects.filter(mailbox=OuterRef("pk")).order_by("-opened_at").values("opened_at")[:1]
    return (
        queryset.with_week(week)
        .annotate(last_opened_at=Subquery(last_opened))
        .select_related("constituency__group", "keeper_deputy", "entrusted_to", "community")
    )


def group_week_rows(groups, week: Week) -> list[dict]:
    """Per group: active boxes due this week, how many are opened, and which are not (two queries).
    A row names its unopened boxes and links to them: nothing more of a box is read."""
    groups = list(groups)
    boxes = (
        Mailbox.objects.due_in(week).filter(constituency__group__in=groups).with_week(week)
        .annotate(group_pk=F("constituency__group_id")).only("id", "name")
    )
    rows = {group.pk: {"group": group, "due": 0, "opened": 0, "unopened": []} for group in groups}
    for box in boxes:
        row = rows[box.group_pk]
        row["due"] += 1
        if box.opened_in_week:
            row["opened"] += 1
        else:
            row["unopened"].append(box)
    return list(rows.values())


def week_totals(user, week: Week) -> tuple[dict, dt.datetime | None]:
    """Boxes due and opened in `week` over all the user sees, and when they were counted (None: now).

    Someone who sees the whole district reads this week's and last week's from the dashboard's
    stored figures (100k EXISTS probes at a province's scale cost a quarter of a second); any other
    week, and anyone else's scope, is one aggregate in SQL."""
    if user.sees_district:
        from liaison.figures import figures

        stored, computed_at = figures("mailbox.district_dashboard")
        if stored.get("week") == week.key:
            return {"due": stored["due"], "opened": stored["opened"]}, computed_at
        if stored.get("week") == week.next().key and "last_due" in stored:
            return {"due": stored["last_due"], "opened": stored["last_opened"]}, computed_at
    # Through the annotation, not an EXISTS in the aggregate's filter: a deputy's visible_to is DISTINCT,
    # which Django aggregates over a subquery the EXISTS could not reach.
    return Mailbox.objects.visible_to(user).due_in(week).with_week(week).order_by().aggregate(
        due=Count("pk"), opened=Count("pk", filter=Q(opened_in_week=True)),
    ), None


def public_offices():
    return SubDistrict.objects.filter(groups__constituencies__term__is_current=True).distinct()


def public_directory(*, office: SubDistrict | None = None, query: str = "") -> list[dict]:
    """Communities of the current term with their constituency's serving deputies and active boxes.

    Public data only: names of deputies and where the boxes are. Three queries.
    """
    communities = Community.objects.filter(constituency__term__is_current=True).select_related(
        "constituency__group__sub_district"
    )
    if office is not None:
        communities = communities.filter(constituency__group__sub_district=office)
    if query:
        communities = communities.filter(Q(name__contains=query) | Q(constituency__name__contains=query))
    communities = list(communities.order_by("constituency__group__sort_order", "constituency__name", "name")[:200])
    constituency_ids = {community.constituency_id for community in communities}
    deputies: dict[int, list[Deputy]] = {}
    for deputy in Deputy.objects.filter(
        constituency_id__in=constituency_ids, status=DeputyStatus.SERVING, term__is_current=True
    ).only("id", "name", "constituency_id"):
        deputies.setdefault(deputy.constituency_id, []).append(deputy)
    boxes: dict[int, list[Mailbox]] = {}
    for box in Mailbox.objects.active().filter(constituency_id__in=constituency_ids).only(
        "id", "name", "location", "constituency_id", "community_id"
    ):
        boxes.setdefault(box.constituency_id, []).append(box)
    return [
        {
            "community": community,
            "constituency": community.constituency,
            "deputies": deputies.get(community.constituency_id, []),
            # The community's own box first, then the constituency's others.
            "mailboxes": sorted(boxes.get(community.constituency_id, []),
                                key=lambda box: box.community_id != community.pk),
        }
        for community in communities
    ]



def quarter_problem_counts(period: str) -> dict[str, int]:
    """For liaison.figures: problems raised in the quarter ("2026-3") per group id, over the district."""
    from constituents.models import Problem

    quarter = Quarter.parse(period, Quarter.of(None))
    return {
        str(group_id): count
        for group_id, count in Problem.objects.filter(raised_on__gte=quarter.first_day, raised_on__lte=quarter.last_day)
        .order_by().values("group_id").annotate(n=Count("pk")).values_list("group_id", "n")
    }


def quarter_rollup(user, quarter: Quarter) -> list[dict]:
    """The district roll-up of a quarter: each group this user sees, its summary (if any) and
    how many problems it raised in the quarter. Two queries however many groups."""
    from deputies.models import DeputyGroup

    groups = DeputyGroup.objects.visible_to(user).select_related("sub_district").annotate(
        problem_count=Count("problems", filter=Q(problems__raised_on__gte=quarter.first_day,
                                                 problems__raised_on__lte=quarter.last_day)),
    )
    summaries = {
        summary.group_id: summary
        for summary in QuarterlySummary.objects.visible_to(user).filter(
            year=quarter.year, quarter=quarter.number
        ).select_related("submitted_by")
    }
    return [{"group": group, "summary": summaries.get(group.pk)} for group in groups]
