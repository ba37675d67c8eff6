"""Every write to mailboxes, openings, letters and quarterly summaries."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from constituents.models import Problem, ProblemCategory
from constituents.services import problem_register, problem_update
from deputies.models import Community, Constituency, Deputy, DeputyGroup, DeputyStatus
from liaison.audit import audited
from liaison.history import bulk_create_missing_with_history
from liaison.models import Role
from liaison.notifications import Notice, notify_many
from liaison.workdays import WorkdayCalendar

from .conf import mailbox_setting
from .models import Letter, Mailbox, Opening, QuarterlySummary, SupervisedIssue
from .weeks import Quarter, Week, local_date, local_midnight

# --- mailboxes ---------------------------------------------------------------


def _check_keeping(
    *, constituency: Constituency, keeping: str, keeper_deputy: Deputy | None, entrusted_to,
    entrusted_reason: str, entrusted_on: dt.date | None,
) -> dict:
    errors: dict[str, str] = {}
    if keeping == Mailbox.Keeping.DEPUTY:
        if keeper_deputy is None:
            errors["keeper_deputy"] = "代表本人管理的信箱，请选择保管代表。"
        elif keeper_deputy.group_id != constituency.group_id:
            errors["keeper_deputy"] = "保管代表须是本代表组的代表。"
        elif keeper_deputy.status != DeputyStatus.SERVING:
            errors["keeper_deputy"] = "保管代表已离任，请另选在任代表或委托联络员管理。"
    elif keeping == Mailbox.Keeping.ENTRUSTED:
        if entrusted_to is None:
            errors["entrusted_to"] = "委托管理的信箱，请选择受托联络员。"
        elif entrusted_to.role != Role.LIAISON or not constituency.group.liaisons.filter(pk=entrusted_to.pk).exists():
            errors["entrusted_to"] = "只能委托本代表组的联络员管理。"
        if not (entrusted_reason or "").strip():
            errors["entrusted_reason"] = "委托管理属于特殊情况，请写明委托原因。"
        if entrusted_on is None:
            errors["entrusted_on"] = "请填写委托日期。"
        elif entrusted_on > local_date():
            errors["entrusted_on"] = "委托日期不能晚于今天。"
    else:
        errors["keeping"] = "请选择管理方式。"
    return errors


@transaction.atomic
def mailbox_create(
    *, constituency: Constituency, name: str, location: str, set_up_on: dt.date,
    deputies: list[Deputy] | None = None, community: Community | None = None,
    keeping: str = Mailbox.Keeping.DEPUTY, keeper_deputy: Deputy | None = None, entrusted_to=None,
    entrusted_reason: str = "", entrusted_on: dt.date | None = None, acting_user,
) -> Mailbox:
    """Set up a box in a constituency, kept by a deputy or (in special cases) entrusted to a liaison."""
    name, location = (name or "").strip(), (location or "").strip()
    errors = _check_keeping(
        constituency=constituency, keeping=keeping, keeper_deputy=keeper_deputy, entrusted_to=entrusted_to,
        entrusted_reason=entrusted_reason, entrusted_on=entrusted_on,
    )
    if not name:
        errors["name"] = "请填写信箱名称。"
    elif Mailbox.objects.filter(constituency=constituency, name=name).exists():
        errors["name"] = "本选区已有同名信箱。"
    if not location:
        errors["location"] = "请填写设置地点。"
    if set_up_on is None:
        errors["set_up_on"] = "请填写设立日期。"
    elif set_up_on > local_date():
        errors["set_up_on"] = "设立日期不能晚于今天。"
    if community is not None and community.constituency_id != constituency.pk:
        errors["community"] = "该社区/单位不属于本选区。"
    if deputies and any(d.constituency_id != constituency.pk for d in deputies):
        errors["deputies"] = "服务代表须是本选区的代表。"
    if errors:
        raise ValidationError(errors)
    mailbox = Mailbox(
        constituency=constituency, community=community, name=name, location=location, set_up_on=set_up_on,
        keeping=keeping,
        keeper_deputy=keeper_deputy if keeping == Mailbox.Keeping.DEPUTY else None,
        entrusted_to=entrusted_to if keeping == Mailbox.Keeping.ENTRUSTED else None,
        entrusted_reason=entrusted_reason.strip() if keeping == Mailbox.Keeping.ENTRUSTED else "",
        entrusted_on=entrusted_on if keeping == Mailbox.Keeping.ENTRUSTED else None,
    )
    audited(mailbox, action="mailbox.mailbox.created", user=acting_user)
    mailbox.save()
    served = list(deputies or [])
    if keeper_deputy is not None and keeping == Mailbox.Keeping.DEPUTY and keeper_deputy not in served:
        served.append(keeper_deputy)
    if served:
        mailbox.deputies.set(served)
    return mailbox


@transaction.atomic
def mailbox_update(
    *, mailbox: Mailbox, name: str, location: str, deputies: list[Deputy], community: Community | None = None,
    keeping: str, keeper_deputy: Deputy | None = None, entrusted_to=None, entrusted_reason: str = "",
    entrusted_on: dt.date | None = None, acting_user,
) -> Mailbox:
    """Change where a box is, whom it serves and who keeps it (a change of keeper is audited)."""
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    constituency = mailbox.constituency
    name, location = (name or "").strip(), (location or "").strip()
    errors = _check_keeping(
        constituency=constituency, keeping=keeping, keeper_deputy=keeper_deputy, entrusted_to=entrusted_to,
        entrusted_reason=entrusted_reason, entrusted_on=entrusted_on,
    )
    if not name:
        errors["name"] = "请填写信箱名称。"
    elif Mailbox.objects.filter(constituency=constituency, name=name).exclude(pk=mailbox.pk).exists():
        errors["name"] = "本选区已有同名信箱。"
    if not location:
        errors["location"] = "请填写设置地点。"
    if community is not None and community.constituency_id != constituency.pk:
        errors["community"] = "该社区/单位不属于本选区。"
    if any(d.constituency_id != constituency.pk for d in deputies):
        errors["deputies"] = "服务代表须是本选区的代表。"
    if errors:
        raise ValidationError(errors)
    entrusted = keeping == Mailbox.Keeping.ENTRUSTED
    mailbox.name, mailbox.location, mailbox.community, mailbox.keeping = name, location, community, keeping
    mailbox.keeper_deputy = None if entrusted else keeper_deputy
    mailbox.entrusted_to = entrusted_to if entrusted else None
    mailbox.entrusted_reason = entrusted_reason.strip() if entrusted else ""
    mailbox.entrusted_on = entrusted_on if entrusted else None
    audited(mailbox, action="mailbox.mailbox.updated", user=acting_user)
    mailbox.save()
    served = list(deputies)
    if keeper_deputy is not None and not entrusted and keeper_deputy not in served:
        served.append(keeper_deputy)
    mailbox.deputies.set(served)
    return mailbox


@transaction.atomic
def mailbox_retire(*, mailbox: Mailbox, retired_on: dt.date, acting_user) -> Mailbox:
    """Take a box down; its openings and letters stay, no new ones can be registered."""
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    if not mailbox.is_active:
        raise ValidationError("该信箱已经撤除。")
    if retired_on is None:
        raise ValidationError({"retired_on": "请填写撤除日期。"})
    if retired_on > local_date():
        raise ValidationError({"retired_on": "撤除日期不能晚于今天。"})
    if retired_on < mailbox.set_up_on:
        raise ValidationError({"retired_on": "撤除日期不能早于设立日期。"})
    mailbox.status, mailbox.retired_on = Mailbox.Status.RETIRED, retired_on
    audited(mailbox, action="mailbox.mailbox.retired", user=acting_user)
    mailbox.save()
    return mailbox


# --- openings ----------------------------------------------------------------


def _check_opening(*, mailbox: Mailbox, opened_at: dt.datetime | None, now: dt.datetime) -> dict:
    errors: dict[str, str] = {}
    if not mailbox.is_active:
        errors["mailbox"] = "该信箱已撤除，不能再登记开启和来信。"
    if opened_at is None:
        errors["opened_at"] = "请填写开启时间。"
        return errors
    if opened_at > now:
        errors["opened_at"] = "开启时间不能晚于现在。"
    elif local_date(opened_at) < mailbox.set_up_on:
        errors["opened_at"] = f"开启时间早于信箱设立日期（{mailbox.set_up_on:%Y年%m月%d日}）。"
    elif Opening.objects.filter(mailbox=mailbox, opened_at=opened_at).exists():
        errors["opened_at"] = "该信箱在这一时刻已有开启记录，请勿重复登记。"
    return errors


@transaction.atomic
def opening_record(
    *, mailbox: Mailbox, opened_at: dt.datetime, opened_by: str, witness: str = "", letter_count: int = 0,
    note: str = "", letters: Sequence[LetterInput] = (), acting_user,
) -> Opening:
    """Record one opening of a box and register the letters found in it, all or nothing.

    Zero letters is a valid opening: the box was checked. Each letter becomes a
    problem of the casework pipeline (source 信箱来信).
    """
    # Times are kept to the minute: two entries for 9:30 are the same opening.
    if opened_at is not None:
        opened_at = opened_at.replace(second=0, microsecond=0)
    errors = _check_opening(mailbox=mailbox, opened_at=opened_at, now=timezone.now())
    opened_by = (opened_by or "").strip()
    if not opened_by:
        errors["opened_by"] = "请填写开启人。"
    if letter_count is None or letter_count < 0:
        errors["letter_count"] = "来信数量不能为负数。"
    elif len(letters) > letter_count:
        errors["letter_count"] = f"登记了 {len(letters)} 封来信，多于填写的来信数量（{letter_count}）。"
    if errors:
        raise ValidationError(errors)
    opening = Opening(
        mailbox=mailbox, opened_at=opened_at, opened_by=opened_by, witness=(witness or "").strip(),
        letter_count=letter_count, note=(note or "").strip(), recorded_by=acting_user,
    )
    audited(opening, action="mailbox.opening.recorded", user=acting_user)
    try:
        with transaction.atomic():
            opening.save()
    except IntegrityError as error:  # two people saving the same opening at once
        raise ValidationError({"opened_at": "该信箱在这一时刻已有开启记录，请勿重复登记。"}) from error
    for index, letter in enumerate(letters, start=1):
        try:
            letter_register(opening=opening, letter=letter, acting_user=acting_user)
        except ValidationError as error:
            raise ValidationError(f"第 {index} 封来信：{'；'.join(error.messages)}") from error
    return opening


# --- the weekly rule ---------------------------------------------------------


def unopened_mailboxes_alert(*, week: Week) -> int:
    """Alert keepers and group liaisons of every active box not opened in `week`.

    One INSERT … SELECT in the database, however many boxes (no box comes to
    Python); the notice's dedupe key (box + ISO week) with Notification's unique
    recipient + key makes a second run, or a second worker, add nothing.
    """
    from django.db import connection

    from liaison.notifications import queue_notification_emails

    start, end = week.range()
    boxes_url = reverse("mailbox:mailbox_list")  # a box's page is <list>/<pk>/
    sql = """
        INSERT INTO liaison_notification (recipient_id, title, body, url, dedupe_key, created_at)
        WITH boxes AS (
            SELECT m.id, m.name, m.location, m.keeping, m.entrusted_to_id, d.user_id AS deputy_user_id,
                   c.group_id, c.name AS constituency_name, g.name AS group_name
            FROM mailbox_mailbox m
            JOIN deputies_constituency c ON c.id = m.constituency_id
            JOIN deputies_deputygroup g ON g.id = c.group_id
            LEFT JOIN deputies_deputy d ON d.id = m.keeper_deputy_id
            WHERE m.status = 'active' AND m.set_up_on <= %s
              AND NOT EXISTS (SELECT 1 FROM mailbox_opening o WHERE o.mailbox_id = m.id
                              AND o.opened_at >= %s AND o.opened_at < %s)
        ), who AS (
            SELECT CASE WHEN b.keeping = 'entrusted' THEN b.entrusted_to_id ELSE b.deputy_user_id END
                   AS recipient_id, b.* FROM boxes b
            UNION
            SELECT l.user_id AS recipient_id, b.* FROM boxes b
            JOIN deputies_deputygroup_liaisons l ON l.deputygroup_id = b.group_id
        )
        SELECT recipient_id, substr(name || '上周未开启', 1, 200),
               group_name || '·' || constituency_name || '的“' || name || '”（' || location || '）在' || %s
                 || '没有开启记录。代表信箱每周至少开启一次，请尽快开启并登记来信。',
               %s || id || '/', 'mailbox.unopened:' || id || ':' || %s, %s
        FROM who WHERE recipient_id IS NOT NULL
        ON CONFLICT (recipient_id, dedupe_key) DO NOTHING"""
    with transaction.atomic(), connection.cursor() as cursor:
        ops = connection.ops
        cursor.execute(sql, [
            ops.adapt_datefield_value(week.start), ops.adapt_datetimefield_value(start),
            ops.adapt_datetimefield_value(end), week.label, boxes_url, week.key,
            ops.adapt_datetimefield_value(timezone.now()),
        ])
        created = max(cursor.rowcount, 0)
        if created:
            queue_notification_emails()
    return created


# --- letters -----------------------------------------------------------------


@dataclass(frozen=True)
class LetterInput:
    """One letter as the liaison types it at an opening."""

    text: str
    category: str = ProblemCategory.OTHER
    sender_name: str = ""
    sender_contact: str = ""
    deputy: Deputy | None = None
    is_livelihood: bool = False


def _clean_sender(name: str, contact: str) -> tuple[str, str]:
    return (name or "").strip()[:40], (contact or "").strip()[:60]


@transaction.atomic
def letter_register(*, opening: Opening, letter: LetterInput, acting_user) -> Letter:
    """Register a paper letter found at `opening`: a problem (source 信箱来信) plus its mailbox record."""
    mailbox = opening.mailbox
    if not mailbox.is_active:
        raise ValidationError({"mailbox": "该信箱已撤除，不能再登记来信。"})
    registered = Letter.objects.filter(opening=opening).count()
    if registered >= opening.letter_count:
        raise ValidationError(
            f"这次开启记录的来信数量是 {opening.letter_count} 封，已全部登记；如数量有误，请联系联络工委工作人员更正。"
        )
    deputy = letter.deputy
    if deputy is None and mailbox.keeper_deputy_id and mailbox.keeper_deputy.status == "serving":
        deputy = mailbox.keeper_deputy
    if deputy is not None and deputy.constituency_id != mailbox.constituency_id:
        raise ValidationError({"deputy": "来信只能交给本信箱所在选区的代表。"})
    problem = problem_register(
        source=Problem.Source.LETTER, text=letter.text, category=letter.category or ProblemCategory.OTHER,
        group=mailbox.constituency.group, deputy=deputy, constituency=mailbox.constituency,
        community=mailbox.community, is_livelihood=letter.is_livelihood,
        raised_on=local_date(opening.opened_at), acting_user=acting_user,
    )
    sender_name, sender_contact = _clean_sender(letter.sender_name, letter.sender_contact)
    record = Letter(
        problem=problem, channel=Letter.Channel.PAPER, opening=opening, mailbox=mailbox,
        sender_name=sender_name, sender_contact=sender_contact, received_at=opening.opened_at,
    )
    audited(record, action="mailbox.letter.registered", user=acting_user)
    record.save()
    return record


def tracking_code_new() -> str:
    alphabet = mailbox_setting("TRACKING_CODE_ALPHABET")
    return "".join(secrets.choice(alphabet) for _ in range(mailbox_setting("TRACKING_CODE_LENGTH")))


def tracking_code_normalize(code: str) -> str:
    """What people type: lower case, spaces and dashes between groups."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def tracking_digest(code: str) -> str:
    return hashlib.sha256(tracking_code_normalize(code).encode()).hexdigest()


def tracking_code_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def letter_by_tracking_code(code: str) -> Letter | None:
    """The online letter with this code, or None; a malformed code is simply not found."""
    normalized = tracking_code_normalize(code)
    alphabet = set(mailbox_setting("TRACKING_CODE_ALPHABET"))
    if len(normalized) != mailbox_setting("TRACKING_CODE_LENGTH") or not set(normalized) <= alphabet:
        return None
    return (
        Letter.objects.select_related("problem", "problem__group")
        .filter(tracking_digest=tracking_digest(normalized), channel=Letter.Channel.ONLINE)
        .first()
    )


@transaction.atomic
def online_letter_submit(
    *, constituency: Constituency, text: str, category: str = ProblemCategory.OTHER, deputy: Deputy | None = None,
    community: Community | None = None, sender_name: str = "", sender_phone: str = "",
) -> tuple[Letter, str]:
    """A letter written on the public page. Returns the letter and its tracking code (shown once, kept nowhere)."""
    if not constituency.term.is_current:
        raise ValidationError("该选区不属于本届，不能来信。")
    if deputy is not None and (deputy.constituency_id != constituency.pk or deputy.status != DeputyStatus.SERVING):
        raise ValidationError({"deputy": "请选择本选区的在任代表。"})
    if community is not None and community.constituency_id != constituency.pk:
        community = None
    text = (text or "").strip()
    low, high = mailbox_setting("LETTER_MIN_CHARS"), mailbox_setting("LETTER_MAX_CHARS")
    if len(text) < low:
        raise ValidationError({"text": f"来信内容太短，请至少写 {low} 个字。"})
    if len(text) > high:
        raise ValidationError({"text": f"来信内容太长（最多 {high} 字），请精简后再提交。"})
    if category not in ProblemCategory.values:
        category = ProblemCategory.OTHER
    problem = problem_register(
        source=Problem.Source.ONLINE, text=text, category=category, group=constituency.group, deputy=deputy,
        constituency=constituency, community=community, acting_user=None,
    )
    sender_name, sender_contact = _clean_sender(sender_name, sender_phone)
    for _ in range(5):
        code = tracking_code_new()
        digest = tracking_digest(code)
        if not Letter.objects.filter(tracking_digest=digest).exists():
            break
    letter = Letter(
        problem=problem, channel=Letter.Channel.ONLINE, sender_name=sender_name, sender_contact=sender_contact,
        received_at=timezone.now(), tracking_digest=digest,
    )
    audited(letter, action="mailbox.letter.submitted_online", user=None)
    letter.save()
    return letter, code


@transaction.atomic
def letter_deliver(
    *, letter: Letter, delivered_at: dt.datetime | None = None, deputy: Deputy | None = None, acting_user,
) -> Letter:
    """送交: the letter reached the deputy (who then replies and forwards it)."""
    letter = Letter.objects.select_for_update().select_related("problem").get(pk=letter.pk)
    if letter.delivered_at is not None:
        raise ValidationError("这封来信已经送交代表。")
    problem = letter.problem
    deputy = deputy or problem.deputy
    if deputy is None:
        raise ValidationError({"deputy": "请选择送交哪位代表。"})
    if deputy.group_id != problem.group_id or deputy.status != DeputyStatus.SERVING:
        raise ValidationError({"deputy": "只能送交本代表组的在任代表。"})
    delivered_at = (delivered_at or timezone.now()).replace(second=0, microsecond=0)
    if delivered_at > timezone.now():
        raise ValidationError({"delivered_at": "送交时间不能晚于现在。"})
    if delivered_at < letter.received_at.replace(second=0, microsecond=0):
        raise ValidationError({"delivered_at": "送交时间不能早于收信时间。"})
    if problem.deputy_id != deputy.pk:
        problem_update(problem=problem, text=problem.text, category=problem.category,
                       is_livelihood=problem.is_livelihood, deputy=deputy, acting_user=acting_user)
    letter.delivered_at, letter.delivered_by = delivered_at, acting_user
    audited(letter, action="mailbox.letter.delivered", user=acting_user)
    letter.save()
    return letter


@transaction.atomic
def letter_reply(
    *, letter: Letter, reply: str, public_reply: str = "", replied_at: dt.datetime | None = None, acting_user,
) -> Letter:
    """The deputy's reply: what they will do (to the group) and, optionally, words for the sender."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.delivered_at is None:
        raise ValidationError("这封来信还没有送交代表，不能登记回复。")
    reply, public_reply = (reply or "").strip(), (public_reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "请填写代表的回复意见。"})
    high = mailbox_setting("LETTER_MAX_CHARS")
    if len(reply) > high or len(public_reply) > high:
        raise ValidationError({"reply": f"回复太长（最多 {high} 字）。"})
    replied_at = (replied_at or timezone.now()).replace(second=0, microsecond=0)
    if replied_at > timezone.now():
        raise ValidationError({"replied_at": "回复时间不能晚于现在。"})
    if replied_at < letter.delivered_at:
        raise ValidationError({"replied_at": "回复时间不能早于送交时间。"})
    first_reply = letter.replied_at is None
    letter.reply, letter.public_reply = reply, public_reply
    if first_reply:
        letter.replied_at = replied_at
    audited(letter, action="mailbox.letter.replied" if first_reply else "mailbox.letter.reply_edited",
            user=acting_user)
    letter.save()
    return letter


# --- daily reminders ---------------------------------------------------------


def overdue_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The latest day D such that D + `working_days` working days is before `today`.

    Anything received (or delivered) on or before D missed its deadline. One
    calendar query, however many letters.
    """
    calendar = WorkdayCalendar.load(today - dt.timedelta(days=working_days * 7 + 30), today)
    day, counted = today - dt.timedelta(days=1), 0
    while counted < working_days:
        if calendar.is_working_day(day):
            counted += 1
        day -= dt.timedelta(days=1)
    return day


def _liaisons_by_group(group_ids) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for group_id, user_id in DeputyGroup.liaisons.through.objects.filter(
        deputygroup_id__in=set(group_ids)
    ).values_list("deputygroup_id", "user_id"):
        result.setdefault(group_id, set()).add(user_id)
    return result


def late_letter_limits(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(received before, delivered before): letters past these are late to deliver, or to reply to."""
    deliver_days = mailbox_setting("DELIVER_WITHIN_WORKDAYS")
    reply_days = mailbox_setting("REPLY_WITHIN_WORKDAYS")
    return (local_midnight(overdue_cutoff(today, deliver_days) + dt.timedelta(days=1)),
            local_midnight(overdue_cutoff(today, reply_days) + dt.timedelta(days=1)))


def late_letters_condition(today: dt.date):
    """The ORM form of the same rule, for the letter list's "超期" view the digest links to."""
    from django.db.models import Q

    received_before, delivered_before = late_letter_limits(today)
    return (
        (Q(delivered_at__isnull=True, received_at__lt=received_before)
         | Q(delivered_at__lt=delivered_before, replied_at__isnull=True))
        & ~Q(problem__state=Problem.State.FED_BACK)
    )


LETTERS_DIGEST_KEY = "mailbox.letters.digest:{day}"


def letters_remind(*, today: dt.date | None = None) -> int:
    """One daily digest per person for letters past their limits: not delivered within N working
    days of receipt (the group's liaisons, and the liaison a box is entrusted to), or not replied
    to within M working days of delivery (the deputy and the liaisons).

    "您有 3 封来信超过期限": built and inserted by one INSERT … SELECT in the database, however
    many letters; the key names the day, so a second run or a second worker adds nothing.
    """
    from django.db import connection

    from liaison.notifications import queue_notification_emails

    today = today or local_date()
    received_before, delivered_before = late_letter_limits(today)
    sql = """
        INSERT INTO liaison_notification (recipient_id, title, body, url, dedupe_key, created_at)
        WITH late AS (
            SELECT l.id, p.group_id, p.deputy_id, m.keeping, m.entrusted_to_id,
                   CASE WHEN l.delivered_at IS NULL THEN 1 ELSE 0 END AS undelivered,
                   CASE WHEN l.delivered_at IS NULL THEN 0 ELSE 1 END AS unreplied
            FROM mailbox_letter l
            JOIN constituents_problem p ON p.id = l.problem_id
            LEFT JOIN mailbox_mailbox m ON m.id = l.mailbox_id
            WHERE p.state <> 'fed_back'
              AND ((l.delivered_at IS NULL AND l.received_at < %s)
                   OR (l.delivered_at IS NOT NULL AND l.replied_at IS NULL AND l.delivered_at < %s))
        ), who AS (
            SELECT g.user_id AS recipient_id, late.* FROM late
            JOIN deputies_deputygroup_liaisons g ON g.deputygroup_id = late.group_id
            UNION
            SELECT late.entrusted_to_id AS recipient_id, late.* FROM late
            WHERE late.undelivered = 1 AND late.keeping = 'entrusted'
            UNION
            SELECT d.user_id AS recipient_id, late.* FROM late
            JOIN deputies_deputy d ON d.id = late.deputy_id WHERE late.unreplied = 1
        )
        SELECT recipient_id, '您有 ' || count(*) || ' 封来信超过期限',
               '超过' || %s || '个工作日未送交代表 ' || sum(undelivered) || ' 封，送交后超过' || %s
                 || '个工作日未回复 ' || sum(unreplied) || ' 封。',
               %s, %s, %s
        FROM who WHERE recipient_id IS NOT NULL
        GROUP BY recipient_id
        ON CONFLICT (recipient_id, dedupe_key) DO NOTHING"""
    ops = connection.ops
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [
            ops.adapt_datetimefield_value(received_before), ops.adapt_datetimefield_value(delivered_before),
            str(mailbox_setting("DELIVER_WITHIN_WORKDAYS")), str(mailbox_setting("REPLY_WITHIN_WORKDAYS")),
            reverse("mailbox:letter_list") + "?stage=late", LETTERS_DIGEST_KEY.format(day=today.isoformat()),
            ops.adapt_datetimefield_value(timezone.now()),
        ])
        created = max(cursor.rowcount, 0)
        if created:
            queue_notification_emails()
    return created


# --- quarterly summaries (季度汇总) -------------------------------------------


def summary_rows(*, group: DeputyGroup, quarter: Quarter) -> dict:
    """The list (清单) of problems the group raised in `quarter` and how each stands, with counts.

    Plain JSON-ready values: the same dict is shown for a draft and frozen as
    the snapshot of a submitted summary (and is what its PDF will print).
    Every problem reaches the committee once: one registered after its own
    quarter's list was submitted (a late letter) goes into the next list not
    yet submitted when it was registered, marked 补报（第N季度）.
    Four queries, however many problems.
    """
    submitted = {
        Quarter(year, number): at
        for year, number, at in QuarterlySummary.objects.filter(
            group=group, status=QuarterlySummary.Status.SUBMITTED
        ).values_list("year", "quarter", "submitted_at")
    }
    own = submitted.get(quarter)
    previous = submitted.get(quarter.previous())
    belongs = Q(raised_on__gte=quarter.first_day, raised_on__lte=quarter.last_day)
    if previous is not None:
        belongs |= Q(raised_on__lt=quarter.first_day, created_at__gt=previous)
    candidates = Problem.objects.filter(belongs, group=group)
    if own is not None:
        candidates = candidates.filter(created_at__lte=own)  # later ones go to the next list
    candidates = list(
        candidates.select_related("deputy", "constituency", "community")
        .prefetch_related("forwardings__department")
        .order_by("raised_on", "pk")
    )
    problems, late_from = [], {}
    for problem in candidates:
        if problem.raised_on >= quarter.first_day:
            problems.append(problem)
            continue
        origin = Quarter.of(problem.raised_on)
        if _late_for(origin, quarter, problem.created_at, submitted):
            problems.append(problem)
            late_from[problem.pk] = origin
    # The quarter's own problems first, then the late ones.
    problems.sort(key=lambda p: (p.pk in late_from, p.raised_on, p.pk))
    letters = dict(Letter.objects.filter(problem__in=problems).values_list("problem_id", "channel"))
    rows, by_category, by_state = [], {}, {}
    for number, problem in enumerate(problems, start=1):
        departments = sorted({f.department.name for f in problem.forwardings.all() if f.round == problem.round})
        rows.append({
            "number": number,
            "problem_id": problem.pk,
            "raised_on": problem.raised_on.isoformat(),
            "raised_on_label": f"{problem.raised_on.year}年{problem.raised_on.month}月{problem.raised_on.day}日",
            "source": problem.get_source_display(),
            "category": problem.get_category_display(),
            "is_livelihood": problem.is_livelihood,
            "text": problem.text[:200],
            "place": " ".join(p for p in [problem.constituency.name if problem.constituency else "",
                                          problem.community.name if problem.community else ""] if p),
            "deputy": problem.deputy.name if problem.deputy else "",
            "departments": "、".join(departments),
            "state": problem.display_state,
            "result": problem.result_summary,
            "is_letter": problem.pk in letters,
            "late_label": _late_label(late_from[problem.pk], quarter) if problem.pk in late_from else "",
        })
        by_category[problem.get_category_display()] = by_category.get(problem.get_category_display(), 0) + 1
        by_state[problem.display_state] = by_state.get(problem.display_state, 0) + 1
    return {
        "group": group.name,
        "quarter": quarter.label,
        "year": quarter.year,
        "number": quarter.number,
        "first_day": quarter.first_day.isoformat(),
        "last_day": quarter.last_day.isoformat(),
        "total": len(rows),
        "letters": sum(1 for row in rows if row["is_letter"]),
        "late": len(late_from),
        "solved": sum(1 for p in problems if p.outcome == Problem.Outcome.RESOLVED),
        "by_category": sorted(by_category.items(), key=lambda item: -item[1]),
        "by_state": [(label, by_state[label]) for label in _state_order() if label in by_state],
        "rows": rows,
    }


def _late_for(origin: Quarter, quarter: Quarter, created_at: dt.datetime, submitted: dict) -> bool:
    """Whether `quarter` is the first list still open when a problem of `origin` was registered."""
    at = origin
    while at < quarter:
        sent = submitted.get(at)
        if sent is None or sent >= created_at:
            return False  # that earlier list was still open: it went (or goes) there
        at = at.next()
    return True


def _late_label(origin: Quarter, quarter: Quarter) -> str:
    name = origin.label if origin.year != quarter.year else origin.label.split("年", 1)[1]
    return f"补报（{name}）"


def _state_order() -> list[str]:
    return ["待重新办理", *Problem.State.labels]


def summaries_open(*, quarter: Quarter) -> int:
    """Open each group's draft for `quarter` (one INSERT, existing ones untouched) and tell the liaisons."""
    groups = list(DeputyGroup.objects.filter(constituencies__term__is_current=True).distinct())
    bulk_create_missing_with_history(
        [QuarterlySummary(group=group, year=quarter.year, quarter=quarter.number) for group in groups],
        QuarterlySummary, unique=("year", "quarter", "group_id"), action="mailbox.summary.opened",
    )
    drafts = dict(
        QuarterlySummary.objects.filter(year=quarter.year, quarter=quarter.number, status=QuarterlySummary.Status.DRAFT)
        .values_list("group_id", "pk")
    )
    liaisons = _liaisons_by_group(drafts)
    return notify_many(
        Notice(
            recipient_id=user_id, title=f"{quarter.label}群众反映问题汇总待报送",
            body=f"{quarter.label}的问题清单已生成。请核对每件问题的办理情况，填写说明后报送区人大常委会有关工作机构。",
            url=reverse("mailbox:summary_detail", args=[summary_id]),
            dedupe_key=f"mailbox.summary.opened:{group_id}:{quarter.year}Q{quarter.number}",
        )
        for group_id, summary_id in drafts.items()
        for user_id in liaisons.get(group_id, ())
    )


@transaction.atomic
def summary_save_remarks(*, summary: QuarterlySummary, remarks: str, acting_user) -> QuarterlySummary:
    summary = QuarterlySummary.objects.select_for_update().get(pk=summary.pk)
    if summary.is_submitted:
        raise ValidationError("该季度汇总已经报送，不能再修改。")
    remarks = (remarks or "").strip()
    if len(remarks) > 5000:
        raise ValidationError({"remarks": "说明太长（最多 5000 字）。"})
    summary.remarks = remarks
    audited(summary, action="mailbox.summary.remarks_saved", user=acting_user)
    summary.save()
    return summary


@transaction.atomic
def summary_submit(*, summary: QuarterlySummary, remarks: str, acting_user) -> QuarterlySummary:
    """报送: freeze the list as it stands now; later changes to the problems do not alter it."""
    summary = QuarterlySummary.objects.select_for_update().select_related("group").get(pk=summary.pk)
    if summary.is_submitted:
        raise ValidationError("该季度汇总已经报送，不能重复报送。")
    if local_date() <= summary.period.last_day:
        raise ValidationError("本季度还没有结束，季度结束后才能报送。")
    remarks = (remarks or "").strip()
    if len(remarks) > 5000:
        raise ValidationError({"remarks": "说明太长（最多 5000 字）。"})
    snapshot = summary_rows(group=summary.group, quarter=summary.period)
    snapshot["remarks"] = remarks
    snapshot["submitted_by"] = acting_user.display_name
    now = timezone.now()
    snapshot["submitted_at"] = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    summary.remarks, summary.snapshot = remarks, snapshot
    summary.status, summary.submitted_at, summary.submitted_by = QuarterlySummary.Status.SUBMITTED, now, acting_user
    audited(summary, action="mailbox.summary.submitted", user=acting_user)
    summary.save()
    return summary


# --- the standing committee's supervision (重点监督) --------------------------


@transaction.atomic
def issue_mark(
    *, category: str, constituency: Constituency, title: str, note: str, problems: Sequence[Problem],
    acting_user,
) -> SupervisedIssue:
    """Pick a hot or difficult issue (a category in a place) for the committee's supervision."""
    errors = {}
    title, note = (title or "").strip(), (note or "").strip()
    if category not in ProblemCategory.values:
        errors["category"] = "问题类别不正确。"
    if not title:
        errors["title"] = "请填写议题。"
    if not note:
        errors["note"] = "请填写监督意见。"
    if SupervisedIssue.objects.filter(category=category, constituency=constituency, is_open=True).exists():
        errors["category"] = "该选区的这一类问题已列为重点监督。"
    if errors:
        raise ValidationError(errors)
    issue = SupervisedIssue(category=category, constituency=constituency, title=title[:120], note=note,
                            marked_by=acting_user)
    audited(issue, action="mailbox.issue.marked", user=acting_user)
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError as error:
        raise ValidationError({"category": "该选区的这一类问题已列为重点监督。"}) from error
    issue.problems.set(problems)
    return issue


@transaction.atomic
def issue_close(*, issue: SupervisedIssue, acting_user) -> SupervisedIssue:
    issue = SupervisedIssue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_open:
        raise ValidationError("该问题已结束监督。")
    issue.is_open = False
    audited(issue, action="mailbox.issue.closed", user=acting_user)
    issue.save()
    return issue
