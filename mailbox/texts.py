"""Texts (SMS) to the writers of online letters: the result is ready, with a link to the
tracking page built from SITE_URL. Never a name, the letter's text or the code itself
(only its digest is kept): the writer kept their code."""

from __future__ import annotations

from django.urls import reverse

from liaison.sms import MAX_CHARS, site_link, text_queue

from .models import Letter


def result_ready_text() -> str:
    link = site_link(reverse("mailbox:public_track"))
    for lead in ("您的来信已有办理结果，请凭查询码查看：", "来信已有结果，凭查询码查看：", ""):
        if len(lead + link) <= MAX_CHARS:
            return lead + link
    raise ValueError("SITE_URL 太长，短信放不下查询链接。")


def text_writer_result_ready(sender, *, problem, **kwargs) -> int:
    """Receiver of constituents.notices.problem_result_ready."""
    letter = Letter.objects.filter(problem=problem, channel=Letter.Channel.ONLINE).exclude(sender_contact="").first()
    if letter is None:
        return 0
    return text_queue(phones=[letter.sender_contact], text=result_ready_text(),
                      dedupe_key=f"mailbox.letter.result_ready:{letter.pk}:{problem.round}")
