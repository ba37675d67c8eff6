"""Reminders run by the daily and the mid-year beat jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from deputies.models import Deputy, DeputyGroup

from ..conf import casework_setting

# ---------------------------------------------------------------------------
# Reminders (run by the daily and the mid-year beat jobs)
# ---------------------------------------------------------------------------


def _liaisons_by_group(group_ids: Iterable[int]) -> dict[int, list[int]]:
    through = DeputyGroup.liaisons.through
    result: dict[int, list[int]] = {}
    for group_id, user_id in through.objects.filter(
        deputygroup_id__in=set(group_ids), user__is_active=True
    ).values_list("deputygroup_id", "user_id"):
        result.setdefault(group_id, []).append(user_id)
    return result


DIGEST_KEY = "casework.digest:{day}"


def casework_due_condition(*, on: dt.date, alias: str = "p") -> tuple[str, list]:
    """SQL for "someone must act on this problem today", with its parameters.

    Three steps: registered and not forwarded within a few days (a problem linked into
    another case is forwarded with it, never alone); a department of
    the current round past its reply deadline (the stored `Problem.open_deadline`,
    set only while 已转交/办理中); a result not yet fed back. The
    same rule filters the list the digest links to (ProblemFilter view "due").
    """
    forward_by = on - dt.timedelta(days=casework_setting("FORWARD_WITHIN_DAYS"))
    return (
        f"""(({alias}.state = 'registered' AND {alias}.linked_to_id IS NULL AND {alias}.state_since <= %s)
            OR ({alias}.state IN ('resolved', 'unsolvable'))
            OR {alias}.open_deadline < %s)""",
        [forward_by, on],
    )


def casework_send_reminders(*, on: dt.date) -> int:
    """One daily digest per person who holds the next step of waiting problems.

    "您有 37 件诉求待处理": the deputy responsible and the group's liaisons each get
    a single notice counting the problems waiting for them, linking to the list
    filtered to exactly those. Built and inserted by one INSERT … SELECT in the
    database (no rows come to Python, whatever the number of problems). The key
    names the day, and Notification is unique per recipient + key, so running the
    job twice, or on two workers at once, adds nothing. Returns the new notices.
    """
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone

    from liaison.notifications import queue_notification_emails

    due, params = casework_due_condition(on=on)
    url = reverse("constituents:problem_list") + "?view=due"
    sql = """
        SELECT who.recipient_id,
               '您有 ' || count(*) || ' 件诉求待处理',
               '待转交 ' || sum(who.to_forward) || ' 件，部门逾期 ' || sum(who.overdue)
                 || ' 件，待反馈选民 ' || sum(who.to_tell) || ' 件。',
               %s, %s, %s
        FROM (
            SELECT d.user_id AS recipient_id, due.* FROM due_problems due
            JOIN deputies_deputy d ON d.id = due.deputy_id
            JOIN liaison_user du ON du.id = d.user_id AND du.is_active
            UNION
            SELECT l.user_id AS recipient_id, due.* FROM due_problems due
            JOIN deputies_deputygroup_liaisons l ON l.deputygroup_id = due.group_id
            JOIN liaison_user lu ON lu.id = l.user_id AND lu.is_active
        ) who
        GROUP BY who.recipient_id
        ON CONFLICT (recipient_id, dedupe_key) DO NOTHING"""
    insert = "INSERT INTO liaison_notification (recipient_id, title, body, url, dedupe_key, created_at)"
    cte = f"""
        WITH due_problems AS (
            SELECT p.id, p.group_id, p.deputy_id,
                   CASE WHEN p.state = 'registered' THEN 1 ELSE 0 END AS to_forward,
                   CASE WHEN p.state IN ('forwarded', 'handling') THEN 1 ELSE 0 END AS overdue,
                   CASE WHEN p.state IN ('resolved', 'unsolvable') THEN 1 ELSE 0 END AS to_tell
            FROM constituents_problem p
            WHERE p.state <> 'fed_back' AND {due}
        )"""
    with transaction.atomic(), connection.cursor() as cursor:
        # INSERT first, then WITH: sqlite3 reports rowcount only for statements that start with INSERT.
        ops = connection.ops
        cursor.execute(insert + cte + sql, [
            *(ops.adapt_datefield_value(day) for day in params), url, DIGEST_KEY.format(day=on.isoformat()),
            ops.adapt_datetimefield_value(timezone.now()),
        ])
        created = max(cursor.rowcount, 0)
        if created:
            queue_notification_emails()
    return created


def activity_minimum_send_reminders(*, on: dt.date) -> int:
    """Serving deputies with fewer than two contact activities this year: remind them and their liaisons.

    Once per deputy (and per group for the liaisons) per run month, however often the job runs.
    """
    from django.urls import reverse

    from liaison.notifications import Notice, notify_many

    from ..selectors import deputies_behind

    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    period = f"{on.year}-{on.month:02d}"
    behind = list(
        deputies_behind(Deputy.objects.filter(term__is_current=True), on.year)
        .values("pk", "name", "user_id", "group_id", "activity_count")
        .order_by("group_id", "name")
    )
    url = reverse("constituents:activity_stats")
    notices = [
        Notice(
            recipient_id=row["user_id"], title=f"本年联系选民活动不足{minimum}次",
            body=f"您{on.year}年已参加联系选民活动{row['activity_count']}次，每位代表每年至少参加{minimum}次。",
            url=reverse("constituents:activity_create"), dedupe_key=f"activities:minimum:{row['pk']}:{period}",
        )
        for row in behind
        if row["user_id"]
    ]
    by_group: dict[int, list[str]] = {}
    for row in behind:
        by_group.setdefault(row["group_id"], []).append(f"{row['name']}（{row['activity_count']}次）")
    for group_id, user_ids in _liaisons_by_group(by_group).items():
        names = by_group[group_id]
        notices.extend(
            Notice(
                recipient_id=user_id, title=f"本组{len(names)}位代表本年联系选民活动不足{minimum}次",
                body="、".join(names), url=f"{url}?year={on.year}",
                dedupe_key=f"activities:minimum:group{group_id}:{period}",
            )
            for user_id in user_ids
        )
    return notify_many(notices)
