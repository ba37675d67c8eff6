"""Retention (PIPL art. 19, 47): personal data of closed cases is anonymised
after a configurable period (PERSONAL_DATA_RETENTION_YEARS, default 3 years
after the constituent was told the result).

It lives in mailbox/ because it is the first app that sees both the casework
(constituents) and the letters. What goes:

- the sender's name and contact on the letters of those problems;
- the name, phone, address and note of constituents whose every problem is
  such a closed case and who were not met in an activity within the period;
- the files departments attached to their replies on those problems (the rows
  go too, each deletion a history row; the files are removed after commit);
- texts (SMS: a phone and its wording) queued more than LIAISON_SMS_RETENTION_DAYS ago.

The problem itself (text, category, departments, result) stays for the
statistics and the archive. The audit history (django-simple-history rows
and the access log) is left alone: each anonymisation adds its own history
row, with the action name, and nothing is deleted. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from constituents.models import Constituent, ForwardingAttachment, Problem
from liaison.audit import audited
from liaison.sms import text_messages_prune

from .models import Letter

log = logging.getLogger(__name__)
ANONYMISED_NAME = "已匿名选民"


def retention_cutoff(today: dt.date, years: int | None = None) -> dt.date:
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def expired_problems(cutoff: dt.date):
    return Problem.objects.filter(state=Problem.State.FED_BACK, fed_back_on__lt=cutoff)


@transaction.atomic
def personal_data_anonymise_expired(*, today: dt.date | None = None, acting_user=None) -> dict[str, int]:
    """Anonymise what has been kept long enough; returns how many letters and constituents changed."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today)
    expired = expired_problems(cutoff)

    letters = (
        Letter.objects.filter(problem__in=expired).filter(~Q(sender_name="") | ~Q(sender_contact=""))
        .select_for_update(of=("self",))
    )
    letter_count = 0
    for letter in letters:
        letter.sender_name = ""
        letter.sender_contact = ""
        audited(letter, action="mailbox.letter.anonymised", user=acting_user)
        letter.save(update_fields=["sender_name", "sender_contact"])
        letter_count += 1

    still_needed = Problem.objects.exclude(pk__in=expired.values("pk"))
    constituents = (
        Constituent.objects.filter(problems__in=expired)
        .exclude(problems__in=still_needed)
        .exclude(contact_activities__held_on__gte=cutoff)
        .exclude(name__startswith=ANONYMISED_NAME)
        .distinct()
    )
    constituent_count = 0
    for constituent in Constituent.objects.filter(pk__in=constituents.values("pk")).select_for_update():
        constituent.name = f"{ANONYMISED_NAME}{constituent.pk}"  # unique per community, as the roster requires
        constituent.phone = ""
        constituent.address = ""
        constituent.note = ""
        audited(constituent, action="constituents.constituent.anonymised", user=acting_user)
        constituent.save(update_fields=["name", "phone", "address", "note"])
        constituent_count += 1

    attachment_count = 0
    for attachment in ForwardingAttachment.objects.filter(forwarding__problem__in=expired).select_for_update(
            of=("self",)):
        stored = (attachment.file.storage, attachment.file.name)
        audited(attachment, action="constituents.attachment.deleted_on_retention", user=acting_user)
        attachment.delete()
        # The file goes only once the rows' deletion is committed.
        transaction.on_commit(lambda stored=stored: _remove_file(*stored), robust=True)
        attachment_count += 1

    text_count = text_messages_prune(now=timezone.make_aware(dt.datetime.combine(today, timezone.localtime().time())))

    if letter_count or constituent_count or attachment_count or text_count:
        log.info("Retention: anonymised %s letters and %s constituents closed before %s; deleted %s attachments "
                 "and %s texts", letter_count, constituent_count, cutoff, attachment_count, text_count)
    return {"letters": letter_count, "constituents": constituent_count, "attachments": attachment_count,
            "texts": text_count}


def _remove_file(storage, name: str) -> None:
    if name and storage.exists(name):
        storage.delete(name)
