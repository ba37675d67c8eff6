"""The audit administrator's page: search the security log, the personal-data
access log and every data write (history rows, liaison/audit_writes.py), and
export what was found (CSV or Excel)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import audit_writes
from .audit import ACTION_LABELS, action_label, record_event
from .exports import MAX_ROWS as XLSX_MAX_ROWS
from .exports import export_xlsx, wants_xlsx
from .models import AccessLog, AuditEvent
from .pagination import capped_page
from .roles import holds

EXPORT_LIMIT = 100_000


class AuditSearchForm(forms.Form):
    SOURCES = [("events", "安全事件（登录、账号、越权、导出）"), ("access", "个人信息访问记录"),
               ("writes", "数据修改记录（每一次新增、修改、删除）")]
    source = forms.ChoiceField(label="类别", choices=SOURCES, required=False)
    model = forms.ChoiceField(label="数据类别（数据修改记录）", required=False)
    object_id = forms.CharField(label="对象编号", max_length=40, required=False)
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    username = forms.CharField(label="用户名", max_length=150, required=False)
    ip_address = forms.CharField(label="IP 地址", max_length=45, required=False)
    action = forms.ChoiceField(label="操作", required=False)
    outcome = forms.ChoiceField(label="结果", required=False,
                                choices=[("", "全部"), ("ok", "成功"), ("failed", "失败或被拒绝")])
    text = forms.CharField(label="对象或说明包含", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        security = {key: label for key, label in ACTION_LABELS.items() if key.split(".")[0] in ("auth", "http", "accounts", "audit")}
        self.fields["action"].choices = ([("", "全部")] + sorted(security.items())
                                         + [(f"access.{value}", f"个人信息：{label}") for value, label in AccessLog.Action.choices]
                                         + audit_writes.action_choices())
        self.fields["model"].choices = [("", "全部")] + audit_writes.model_choices()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


def _day_bounds(day: dt.date, *, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def _search(form: AuditSearchForm):
    data = form.cleaned_data if form.is_valid() else {}
    source = data.get("source") or "events"
    if source == "access":
        rows = AccessLog.objects.select_related("user", "content_type")
        at = "at"
        if data.get("username"):
            rows = rows.filter(user__username__icontains=data["username"])
        if data.get("action", "").startswith("access."):
            rows = rows.filter(action=data["action"].removeprefix("access."))
        if data.get("text"):
            rows = rows.filter(object_repr__icontains=data["text"])
        if data.get("object_id"):
            rows = rows.filter(object_id=data["object_id"])
    else:
        rows = AuditEvent.objects.select_related("user")
        at = "at"
        if data.get("username"):
            rows = rows.filter(username__icontains=data["username"])
        if data.get("action") and not data["action"].startswith("access."):
            rows = rows.filter(action=data["action"])
        if data.get("outcome") == "ok":
            rows = rows.filter(succeeded=True)
        elif data.get("outcome") == "failed":
            rows = rows.filter(succeeded=False)
        if data.get("text"):
            rows = rows.filter(Q(object_repr__icontains=data["text"]) | Q(detail__icontains=data["text"])
                               | Q(path__icontains=data["text"]))
        if data.get("object_id"):
            rows = rows.filter(object_id=data["object_id"])
    if data.get("start"):
        rows = rows.filter(**{f"{at}__gte": _day_bounds(data["start"])})
    if data.get("end"):
        rows = rows.filter(**{f"{at}__lt": _day_bounds(data["end"], end=True)})
    if data.get("ip_address"):
        rows = rows.filter(ip_address=data["ip_address"]) if _looks_like_ip(data["ip_address"]) else rows.none()
    return source, rows.order_by("-at", "-id")


def _looks_like_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def _table(source: str, rows) -> tuple[list[str], list[list[str]]]:
    local = timezone.localtime
    if source == "access":
        header = ["时间", "用户", "IP 地址", "操作", "对象类型", "对象编号", "对象"]
        body = [[f"{local(row.at):%Y-%m-%d %H:%M:%S}", row.user.username, row.ip_address or "",
                 row.get_action_display(), row.content_type.name, row.object_id, row.object_repr] for row in rows]
    else:
        header = ["时间", "用户", "IP 地址", "操作", "结果", "对象", "请求地址", "说明"]
        body = [[f"{local(row.at):%Y-%m-%d %H:%M:%S}", row.username, row.ip_address or "",
                 action_label(row.action) if row.action in ACTION_LABELS else row.action,
                 "成功" if row.succeeded else "失败", row.object_repr, row.path, row.detail] for row in rows]
    return header, body


def _require_auditor(request) -> None:
    if not holds(request.user, "audit.read_export"):
        raise PermissionDenied("只有审计管理员可以查看审计日志。")


PER_PAGE = 50
WRITES_HEADER = ["时间", "用户", "IP 地址", "操作", "类别", "数据", "对象编号"]


def _writes_filters(form: AuditSearchForm) -> dict:
    """The form's values as audit_writes.search_writes reads them."""
    data = dict(form.cleaned_data) if form.is_valid() else {}
    if data.get("start"):
        data["start_at"] = _day_bounds(data["start"])
    if data.get("end"):
        data["end_at"] = _day_bounds(data["end"], end=True)
    address = (data.get("ip_address") or "").strip()
    data["ip_address"] = (address if _looks_like_ip(address) else "") if address else None
    object_id = (data.get("object_id") or "").strip()
    if object_id and not (object_id.isascii() and object_id.isdigit() and len(object_id) < 19):
        data["outcome"] = "failed"  # no row has such an id: nothing matches
    data["object_id"] = object_id
    return data


def _writes_export(request, form: AuditSearchForm):
    rows = audit_writes.search_writes(_writes_filters(form), cursor=None, limit=XLSX_MAX_ROWS + 1)
    described = audit_writes.describe(rows[:XLSX_MAX_ROWS]) if len(rows) <= XLSX_MAX_ROWS else []
    return export_xlsx(
        request, title="数据修改记录", queryset=described, count=len(rows), headers=WRITES_HEADER,
        row=lambda line, export: [line["at"], line["username"], line["ip_address"], line["action"], line["change"],
                                  line["model"], line["object_id"]],
        widths=(20, 14, 16, 24, 8, 16, 10),
    )


@login_required
def audit_log(request):
    _require_auditor(request)
    form = AuditSearchForm(request.GET or None)
    # A malformed date elsewhere in the form does not send the search to another source.
    source = "writes" if request.GET.get("source") == "writes" else "events"
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("before", None)
    context = {"form": form, "source": source, "query": query.urlencode()}
    if source == "writes":
        if wants_xlsx(request):
            return _writes_export(request, form)
        cursor = audit_writes.Cursor.parse(request.GET.get("before"))
        rows = audit_writes.search_writes(_writes_filters(form), cursor=cursor, limit=PER_PAGE + 1)
        shown = rows[:PER_PAGE]
        context.update({
            "header": WRITES_HEADER,
            "body": [[f"{timezone.localtime(line['at']):%Y-%m-%d %H:%M:%S}", line["username"], line["ip_address"],
                      line["action"], line["change"], line["model"], line["object_id"]]
                     for line in audit_writes.describe(shown)],
            "next_cursor": audit_writes.Cursor(shown[-1].at, shown[-1].model, shown[-1].history_id).token()
            if len(rows) > PER_PAGE else "",
            "is_later_page": cursor is not None,
        })
        return render(request, "liaison/audit/log.html", context)
    source, rows = _search(form)
    page = capped_page(rows, PER_PAGE, request.GET)
    header, body = _table(source, page.object_list)
    context.update({"source": source, "page": page, "header": header, "body": body})
    return render(request, "liaison/audit/log.html", context)


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
def audit_export(request, fmt: str):
    _require_auditor(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("没有这种导出格式。")
    form = AuditSearchForm(request.GET or None)
    source, rows = _search(form)
    if request.GET.get("source") == "writes":
        if fmt == "xlsx":  # one Excel path for writes: the page's own ?export=xlsx (liaison/exports.py)
            return HttpResponseRedirect(f"{reverse('audit_log')}?{request.GET.urlencode()}&export=xlsx")
        header = WRITES_HEADER
        body = [[f"{timezone.localtime(line['at']):%Y-%m-%d %H:%M:%S}", line["username"], line["ip_address"],
                 line["action"], line["change"], line["model"], line["object_id"]]
                for line in audit_writes.describe(
                    audit_writes.search_writes(_writes_filters(form), cursor=None, limit=XLSX_MAX_ROWS))]
    else:
        header, body = _table(source, rows[:EXPORT_LIMIT])
    body = [[_safe_cell(str(cell)) for cell in line] for line in body]
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name = f"审计日志{stamp}"
    record_event(action="audit.log.exported", request=request,
                 detail=f"{fmt}，{len(body)} 条；条件：{request.GET.urlencode()}"[:500])
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "审计日志"
        sheet.append(header)
        for line in body:
            sheet.append(line)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"{name}.xlsx"
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(body)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"{name}.csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
