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
