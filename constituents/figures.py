"""The departments' figures, defined once (SPEC §6; Beijing's 接诉即办 judges on 响应率,
解决率 and 满意率).

Every figure is a rate over the forwardings (转交) made in a period — a quarter or a
year, by the date of the forwarding — and is given per department, per deputy group
and district-wide. Each formula is the docstring of its function below; the pages
show those docstrings as the definitions, so what is computed and what is said are
the same text. Counts come from aggregate queries: two queries per breakdown
however many rows there are.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet

from .conf import casework_setting
from .models import Callback, CallbackResult, Forwarding, ResultClass

Status = Forwarding.Status
SOLVED_CLASSES = (ResultClass.A, ResultClass.B)
SATISFIED = (CallbackResult.SATISFIED, CallbackResult.BASICALLY)


@dataclass(frozen=True)
class Period:
    """A year, or one quarter of it (by the date a case was forwarded)."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1) if self.quarter else dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if not self.quarter:
            return dt.date(self.year, 12, 31)
        if self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度" if self.quarter else f"{self.year}年"


# --- the formulas ---------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def response_rate(c: dict) -> float | None:
    """签收及时率（响应率）＝ 在签收期限内签收或退办的件数 ÷ 收到的转交件数。签收期限默认为转交后 1 个工作日，由联络工委设定。"""
    return _rate(c["responded_on_time"], c["received"])


def on_time_reply_rate(c: dict) -> float | None:
    """按期答复率 ＝ 在答复期限内（含经批准延期后的期限）答复的件数 ÷ 承办件数（收到的件数减去退办的件数和已由议案/建议答复的件数）。"""
    return _rate(c["replied_on_time"], c["kept"])


def solved_rate(c: dict) -> float | None:
    """解决率 ＝（A类＋B类答复件数）÷ 已答复件数。A类为已解决或采纳，B类为正在解决或列入计划。"""
    return _rate(c["solved"], c["replied"])


def satisfaction_rate(c: dict) -> float | None:
    """满意率 ＝（回访“满意”＋“基本满意”的人次）÷ 回访联系上的人次（不含“未能联系”）。回访由联络工委或联络员进行，不由承办部门自己进行。"""
    return _rate(c["satisfied"], c["reached"])


def first_time_solved_rate(c: dict) -> float | None:
    """首次办复解决率 ＝ 第一轮答复即为A类或B类、且此后没有被发回重办的件数 ÷ 第一轮已答复件数。"""
    return _rate(c["first_round_solved"], c["first_round_replied"])


def sent_back_rate(c: dict) -> float | None:
    """发回重办率 ＝ 答复后因选民不满意而进入下一轮办理的件数 ÷ 已答复件数。"""
    return _rate(c["sent_back"], c["replied"])


def mean_reply_days(c: dict) -> float | None:
    """平均答复用时 ＝ 已答复各件从转交到答复所用工作日（扣除法定节假日，计入调休上班日）的平均数。"""
    return c["mean_reply_days"]


FIGURES = [
    ("response_rate", "签收及时率（响应率）", response_rate, True),
    ("on_time_reply_rate", "按期答复率", on_time_reply_rate, True),
    ("solved_rate", "解决率", solved_rate, True),
    ("satisfaction_rate", "满意率", satisfaction_rate, True),
    ("first_time_solved_rate", "首次办复解决率", first_time_solved_rate, True),
    ("sent_back_rate", "发回重办率", sent_back_rate, True),
    ("mean_reply_days", "平均答复用时（工作日）", mean_reply_days, False),
]


def definitions() -> list[dict]:
    """(label, definition) for the pages: the docstrings above, word for word."""
    return [{"key": key, "label": label, "text": inspect.getdoc(function)} for key, label, function, _ in FIGURES]


# --- the counts -----------------------------------------------------------------


def _forwarding_counts() -> dict:
    replied = Q(status=Status.REPLIED)
    return {
        "received": Count("pk"),
        "returned": Count("pk", filter=Q(status=Status.RETURNED)),
        # Closed by a suggestion's reply (已由建议答复): neither kept nor late for the department.
        "by_suggestion": Count("pk", filter=Q(status=Status.BY_SUGGESTION)),
        "responded_on_time": Count("pk", filter=Q(accepted_on__lte=F("accept_deadline"))
                                   | Q(accepted_on__isnull=True, returned_on__lte=F("accept_deadline"))),
        "replied": Count("pk", filter=replied),
        "replied_on_time": Count("pk", filter=replied & Q(replied_on__lte=F("deadline"))),
        "solved": Count("pk", filter=replied & Q(result_class__in=SOLVED_CLASSES)),
        "first_round_replied": Count("pk", filter=replied & Q(round=1)),
        "first_round_solved": Count("pk", filter=replied & Q(round=1, result_class__in=SOLVED_CLASSES,
                                                              problem__round=1)),
        "sent_back": Count("pk", filter=replied & Q(problem__round__gt=F("round"))),
        "mean_reply_days": Avg("reply_working_days", filter=replied),
    }


def _callback_counts() -> dict:
    return {
        "reached": Count("pk", filter=~Q(result=CallbackResult.UNREACHABLE), distinct=True),
        "satisfied": Count("pk", filter=Q(result__in=SATISFIED), distinct=True),
    }


def _finish(counts: dict) -> dict:
    counts = {**counts}
    counts.setdefault("reached", 0)
    counts.setdefault("satisfied", 0)
    counts["kept"] = counts["received"] - counts["returned"] - counts["by_suggestion"]
    for key, _label, function, _is_rate in FIGURES:
        counts[key] = function(counts)
    return counts


def _in_period(forwardings: QuerySet, period: Period) -> QuerySet:
    return forwardings.filter(forwarded_on__gte=period.start, forwarded_on__lte=period.end).order_by()


def _callbacks_by(forwardings: QuerySet, period: Period, key: str | None) -> dict:
    """回访 of the rounds the departments replied to in the period, counted once per department/group."""
    scoped = _in_period(forwardings, period).filter(status=Status.REPLIED)
    if key == "department":
        # One join, so a call counts for each department that replied in that round.
        rows = (
            Callback.objects.filter(problem__forwardings__in=scoped, problem__forwardings__round=F("round"))
            .order_by().values("problem__forwardings__department").annotate(**_callback_counts())
        )
        return {row["problem__forwardings__department"]: row for row in rows}
    replied_round = scoped.filter(problem_id=OuterRef("problem_id"), round=OuterRef("round"))
    callbacks = Callback.objects.filter(Exists(replied_round)).order_by()
    if key == "group":
        return {row["problem__group"]: row for row in callbacks.values("problem__group").annotate(**_callback_counts())}
    return {None: callbacks.aggregate(**_callback_counts())}


def department_figures(forwardings: QuerySet, period: Period) -> list[dict]:
    """Per department, ranked when it kept at least the configured minimum of cases.

    Ranking: 按期答复率, then 解决率, then 满意率 (higher first), then the name;
    departments with fewer cases are listed after, not ranked."""
    rows = list(
        _in_period(forwardings, period).values("department_id", "department__name").annotate(**_forwarding_counts())
    )
    callbacks = _callbacks_by(forwardings, period, "department")
    minimum = casework_setting("DEPARTMENT_RANKING_MIN_CASES")
    result = []
    for row in rows:
        extra = callbacks.get(row["department_id"], {})
        figures = _finish({**row, "reached": extra.get("reached", 0), "satisfied": extra.get("satisfied", 0)})
        figures["id"], figures["name"] = row["department_id"], row["department__name"]
        figures["ranked"] = figures["kept"] >= minimum
        result.append(figures)

    def merit(row: dict) -> tuple:
        return tuple(-(row[key] if row[key] is not None else -1)
                     for key in ("on_time_reply_rate", "solved_rate", "satisfaction_rate")) + (row["name"],)

    ranked = sorted((r for r in result if r["ranked"]), key=merit)
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return ranked + sorted((r for r in result if not r["ranked"]), key=lambda r: r["name"])


def group_figures(forwardings: QuerySet, period: Period) -> list[dict]:
    """Per deputy group (the group of the problem), in the groups' order."""
    rows = list(
        _in_period(forwardings, period)
        .values("problem__group_id", "problem__group__name", "problem__group__sort_order")
        .annotate(**_forwarding_counts())
    )
    callbacks = _callbacks_by(forwardings, period, "group")
    result = []
    for row in rows:
        extra = callbacks.get(row["problem__group_id"], {})
        figures = _finish({**row, "reached": extra.get("reached", 0), "satisfied": extra.get("satisfied", 0)})
        figures["id"], figures["name"] = row["problem__group_id"], row["problem__group__name"]
        result.append(figures)
    return sorted(result, key=lambda r: (r["problem__group__sort_order"], r["name"]))


def district_figures(forwardings: QuerySet, period: Period) -> dict:
    """The whole district (or all a person may see) in one row."""
    counts = _in_period(forwardings, period).aggregate(**_forwarding_counts())
    counts = {key: (value or 0) if key != "mean_reply_days" else value for key, value in counts.items()}
    extra = _callbacks_by(forwardings, period, None)[None]
    return _finish({**counts, "reached": extra["reached"] or 0, "satisfied": extra["satisfied"] or 0})


def roll_up(forwardings: QuerySet, period: Period) -> dict:
    """Everything a page or a PDF shows for a period: district, departments, groups, definitions."""
    return {
        "period": period,
        "district": district_figures(forwardings, period),
        "departments": department_figures(forwardings, period),
        "groups": group_figures(forwardings, period),
        "definitions": definitions(),
        "minimum": casework_setting("DEPARTMENT_RANKING_MIN_CASES"),
    }


def _stored(row: dict) -> dict:
    """What the page and the Excel export read of a row, JSON-ready (a province lists 8,000 groups)."""
    keep = ("id", "name", "rank", "ranked", "received", "returned", "by_suggestion", "kept", "reached",
            *(key for key, _label, _function, _is_rate in FIGURES))
    return {key: (float(row[key]) if key == "mean_reply_days" and row[key] is not None else row[key])
            for key in keep if key in row}


def _period_of(period_text: str) -> Period:
    year, _, quarter = period_text.partition("-")
    return Period(int(year), int(quarter) if quarter else None)


def stored_roll_up(period_text: str) -> dict:
    """For liaison.figures ("constituents.departments:2026" or ":2026-3"): the whole district's
    district and department figures of a period, kept current by beat for the office and the
    committee (everyone else sees their own scope counted live). The groups are stored apart
    (stored_group_rows): a province has 8,000, and the roll-up page reads only the district line."""
    from .models import Forwarding

    period, forwardings = _period_of(period_text), Forwarding.objects.all()
    return {
        "district": _stored(district_figures(forwardings, period)),
        "departments": [_stored(row) for row in department_figures(forwardings, period)],
    }


def stored_group_rows(period_text: str) -> dict:
    """For liaison.figures ("constituents.department_groups:2026"): the figures of every deputy group."""
    from .models import Forwarding

    return {"groups": [_stored(row) for row in group_figures(Forwarding.objects.all(), _period_of(period_text))]}
