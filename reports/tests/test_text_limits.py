"""Every free-text field has a length limit, in forms and in services (issue 9 §5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from constituents.tests.casework import register
from liaison import limits
from reports import services
from reports.models import DutyMeeting

MEGABYTE_OF_TEXT = "述" * (1024 * 1024 // 3)


def test_a_report_part_over_5000_characters_is_refused_on_the_page_and_the_text_is_kept(
    client_of, held_meeting_a, deputy_a,
):
    url = reverse("reports:meeting_report_edit", args=[held_meeting_a.pk])
    response = client_of(deputy_a.user).post(url, {"part_session": "审" * 5001, "part_recess": "视察"})
    page = response.content.decode()
    assert response.status_code == 200 and "5000" in page and "视察" in page
    assert DutyMeeting.objects.get(pk=held_meeting_a.pk).part_recess == ""
    client_of(deputy_a.user).post(url, {"part_session": "审" * 5000, "part_recess": "视察"})
    assert len(DutyMeeting.objects.get(pk=held_meeting_a.pk).part_session) == 5000


def test_a_megabyte_report_part_is_refused_by_the_service(held_meeting_a, liaison_a):
    with pytest.raises(ValidationError) as caught:
        services.meeting_report_save(meeting=held_meeting_a, parts={"part_session": MEGABYTE_OF_TEXT},
                                     acting_user=liaison_a)
    assert "最多 5000 个字" in caught.value.message_dict["part_session"][0]
    assert DutyMeeting.objects.get(pk=held_meeting_a.pk).part_session == ""


def test_problem_text_is_limited_in_services(deputy_a, staff_user):
    problem = register(deputy_a, staff_user)
    problem.text = "路" * (limits.LONG_TEXT + 1)
    with pytest.raises(ValidationError, match=f"最多 {limits.LONG_TEXT} 个字"):
        problem.save()


def test_the_admin_forms_check_the_same_limits(rf, staff_user):
    """An over-long text typed in 管理后台 is a form error in Chinese, not a refused save (a 500)."""
    from django.contrib import admin
    from django.db import models as db_models

    from liaison.limits import PROJECT_APPS, text_limit

    request = rf.get("/admin/")
    request.user = staff_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, db_models.TextField) and field.model._meta.app_label in PROJECT_APPS:
                formfield = model_admin.formfield_for_dbfield(field, request)
                assert formfield.max_length == text_limit(model, field), f"{model._meta.label}.{field.name}"
                checked += 1
    assert checked >= 10
    from mailbox.models import QuarterlySummary

    form_class = admin.site._registry[QuarterlySummary].get_form(request)
    form = form_class(data={"remarks": "说" * 6000})
    assert "remarks" in form.errors and "5000" in str(form.errors["remarks"])
