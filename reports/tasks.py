from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from deputies.models import DeputyGroup, DeputyStatus
from liaison.models import User
from liaison.notifications import Notice, notify_many

from . import rotation, services
from .models import RotationPlan

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def draft_duty_report_rotations(year: int | None = None, acting_user_id: int | None = None) -> int:
    """Start of the year (term year ≥ 2): draft each group's 述职 plan and tell its liaisons.

    Idempotent: a group that has a plan for the year is left alone (one plan per
    group and year is also a database constraint), so a rerun or a second
    worker drafts nothing twice. Returns how many plans were drafted.
    """
    year = year or timezone.localdate().year
    term = services.term_for_year(year)
    if term is None or term.term_year(dt.date(year, 1, 1)) < rotation.FIRST_REPORTING_TERM_YEAR:
        return 0
    acting_user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    groups = list(
        DeputyGroup.objects.filter(deputies__term=term, deputies__status=DeputyStatus.SERVING)
        .exclude(rotation_plans__year=year)
        .distinct()
        .prefetch_related("liaisons")
    )
    candidates = services.rotation_candidates(term=term, year=year, group_ids=[g.pk for g in groups])
    drafted: list[RotationPlan] = []
    for group in groups:
        try:
            drafted.append(services.rotation_plan_draft(
                group=group, year=year, acting_user=acting_user, candidates=candidates.get(group.pk, []),
            ))
        except ValidationError as error:  # drafted meanwhile by staff or another worker
            logger.info("述职安排未生成：%s %s — %s", group, year, error.messages)
    notify_many(
        Notice(
            recipient_id=liaison.pk,
            title=f"{plan.group.name}{year}年述职安排草稿已生成",
            body=f"{plan.explanation}请核对名单、时间、地点和内容，年初通过代表集中活动逐一落实。",
            url=plan.get_absolute_url(),
            dedupe_key=f"reports.plan.drafted:{plan.pk}",
        )
        for plan in drafted
        for liaison in plan.group.liaisons.all()
    )
    return len(drafted)


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def render_stored_pdf(rendered_pdf_id: int) -> bool:
    """A heavy PDF (the district roll-up, long statistics): rendered here, downloaded from its page."""
    from .rendering import render_stored

    return render_stored(rendered_pdf_id)


@shared_task(acks_late=True)
def delete_expired_rendered_pdfs() -> int:
    """Nightly: stored PDFs older than REPORTS_RENDERED_PDF_RETENTION_DAYS go, files and rows (idempotent)."""
    from .retention import rendered_pdfs_delete_expired

    return rendered_pdfs_delete_expired()
