from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from deputies.models import DeputyGroup
from liaison.forms import attach_errors
from liaison.models import Role
from liaison.permissions import require_roles

from .forms import SpotCheckConclusionForm, SpotCheckDrawForm
from .models import SpotCheck
from .spot_checks import ItemFinding, spot_check_conclude, spot_check_draw


def _may_check(user) -> bool:
    return user.is_office_staff or user.role == Role.COMMITTEE


@login_required
def spot_check_list(request):
    checks = SpotCheck.objects.visible_to(request.user).select_related("group", "drawn_by")
    page = Paginator(checks, 30).get_page(request.GET.get("page"))
    return render(request, "reports/spot_check_list.html", {"page": page, "may_check": _may_check(request.user)})


# The committee writes here: spot checks are its own supervision work (source, part 四).
@require_roles(Role.COMMITTEE)
def spot_check_new(request):
    groups = DeputyGroup.objects.visible_to(request.user)
    form = SpotCheckDrawForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            check = spot_check_draw(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, f"已从 {check.population} 份记录中随机抽取 {check.items.count()} 份。")
            return redirect(check)
    return render(request, "reports/spot_check_form.html", {"form": form})


@login_required
def spot_check_detail(request, pk: int):
    check = get_object_or_404(
        SpotCheck.objects.visible_to(request.user).select_related("group", "drawn_by"), pk=pk
    )
    items = list(check.items.all())
    may_conclude = _may_check(request.user) and request.user.is_active
    form = SpotCheckConclusionForm(
        request.POST or None, initial={"conclusion": check.conclusion, "findings": check.findings}
    )
    if request.method == "POST":
        if not may_conclude:
            raise PermissionDenied("只有常委会和联络工委工作人员可以填写抽查结论。")
        findings = [
            ItemFinding(
                item_id=item.pk,
                compliant={"yes": True, "no": False}.get(request.POST.get(f"item-{item.pk}")),
                note=request.POST.get(f"note-{item.pk}", ""),
            )
            for item in items
        ]
        if form.is_valid():
            try:
                spot_check_conclude(spot_check=check, items=findings, acting_user=request.user,
                                    conclusion=form.cleaned_data["conclusion"],
                                    findings=form.cleaned_data["findings"])
            except ValidationError as error:
                attach_errors(error, form)
            else:
                messages.success(request, "抽查结论已保存，已通知该代表组联络员。")
                return redirect(check)
        for item, finding in zip(items, findings, strict=True):  # keep what was typed
            item.compliant, item.note = finding.compliant, finding.note
    return render(request, "reports/spot_check_detail.html", {
        "check": check, "items": items, "form": form, "may_conclude": may_conclude,
    })
