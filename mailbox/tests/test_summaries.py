from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from constituents.models import Problem
from constituents.services import problem_forward
from constituents.tests.factories import ProblemFactory
from deputies.tests.factories import DepartmentFactory
from liaison.models import Notification
from mailbox import services
from mailbox.models import QuarterlySummary, SupervisedIssue
from mailbox.tasks import open_quarterly_summaries
from mailbox.weeks import Quarter

Q3 = Quarter(2026, 3)


@pytest.fixture
def problems(deputy_a, deputy_b):
    mine = [
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 7, 1), text="路灯不亮", category="urban_construction"),
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 9, 30), text="公交太少", category="transport",
                       source=Problem.Source.LETTER),
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 10, 1), text="下季度的问题"),
    ]
    ProblemFactory(deputy=deputy_b, raised_on=dt.date(2026, 8, 1), text="乙组的问题")
    return mine


@pytest.fixture
def summary_a(group_a, group_b, constituency_a, constituency_b, liaison_a):
    open_quarterly_summaries(2026, 3)
    return QuarterlySummary.objects.get(group=group_a, year=2026, quarter=3)


def test_the_job_opens_one_draft_per_group_and_tells_the_liaison_once(summary_a, group_b, liaison_a):
    open_quarterly_summaries(2026, 3)
    assert QuarterlySummary.objects.filter(year=2026, quarter=3).count() == 2
    assert summary_a.status == QuarterlySummary.Status.DRAFT
    assert Notification.objects.filter(recipient=liaison_a, dedupe_key__startswith="mailbox.summary.opened").count() == 1


def test_without_arguments_the_job_opens_the_quarter_just_ended(group_a, constituency_a, monkeypatch):
    monkeypatch.setattr("mailbox.tasks.Quarter.of", classmethod(lambda cls, moment=None: Quarter(2027, 1)))
    open_quarterly_summaries()
    assert QuarterlySummary.objects.filter(group=group_a, year=2026, quarter=4).exists()


def test_the_list_holds_the_quarters_problems_with_counts(problems, summary_a):
    data = services.summary_rows(group=summary_a.group, quarter=Q3)
    assert [row["text"] for row in data["rows"]] == ["路灯不亮", "公交太少"]
    assert data["total"] == 2
    assert dict(data["by_category"]) == {"城市建设": 1, "交通出行": 1}
    assert dict(data["by_state"]) == {"登记": 2}


def test_a_submitted_summary_is_frozen(problems, summary_a, liaison_a, deputy_a, client_of):
    client = client_of(liaison_a)
    response = client.post(reverse("mailbox:summary_detail", args=[summary_a.pk]),
                           {"remarks": "本季度来信较少。", "submit": "1"})
    assert response.status_code == 302
    summary_a.refresh_from_db()
    assert summary_a.is_submitted and summary_a.submitted_by == liaison_a
    problem_forward(problem=problems[0], departments=[DepartmentFactory()], forwarded_on=dt.date(2026, 7, 2),
                    acting_user=deputy_a.user)
    problems[1].text = "后来改过的内容"
    problems[1].save()
    page = client.get(reverse("mailbox:summary_detail", args=[summary_a.pk])).content.decode()
    assert "公交太少" in page and "后来改过的内容" not in page
    assert "已转交" not in page
    with pytest.raises(ValidationError):
        services.summary_submit(summary=summary_a, remarks="再报一次", acting_user=liaison_a)
    with pytest.raises(ValidationError):
        services.summary_save_remarks(summary=summary_a, remarks="改说明", acting_user=liaison_a)


def test_a_quarter_not_yet_over_cannot_be_submitted(group_a, constituency_a, liaison_a):
    summary = QuarterlySummary.objects.create(group=group_a, year=2099, quarter=1)
    with pytest.raises(ValidationError) as error:
        services.summary_submit(summary=summary, remarks="", acting_user=liaison_a)
    assert "还没有结束" in str(error.value)


def test_roll_up_shows_who_reported(summary_a, liaison_a, client_of, staff_user, committee_user):
    services.summary_submit(summary=summary_a, remarks="", acting_user=liaison_a)
    page = client_of(committee_user).get(reverse("mailbox:summary_list"), {"quarter": "2026-3"}).content.decode()
    assert "已报送 1 / 2" in page
    assert "草稿，未报送" in page


def test_summary_scoping(summary_a, group_b, client_of, deputy_a, deputy_b, committee_user):
    other = QuarterlySummary.objects.get(group=group_b, year=2026, quarter=3)
    assert client_of(deputy_a.user).get(reverse("mailbox:summary_detail", args=[summary_a.pk])).status_code == 404
    assert client_of(deputy_b.user).get(reverse("mailbox:summary_list")).status_code == 403
    committee = client_of(committee_user)
    assert committee.get(reverse("mailbox:summary_detail", args=[other.pk])).status_code == 200
    response = committee.post(reverse("mailbox:summary_detail", args=[other.pk]), {"remarks": "", "submit": "1"})
    assert response.status_code == 403


def test_summary_pages_are_flat(summary_a, deputy_a, client_of, staff_user, assert_flat_queries):
    first = ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, 3))
    problem_forward(problem=first, departments=[DepartmentFactory()], forwarded_on=dt.date(2026, 8, 10),
                    acting_user=staff_user)

    def grow():
        for day in range(1, 6):
            problem = ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, day))
            problem_forward(problem=problem, departments=[DepartmentFactory()], forwarded_on=dt.date(2026, 8, 10),
                            acting_user=staff_user)
    client = client_of(staff_user)
    assert_flat_queries(client, reverse("mailbox:summary_detail", args=[summary_a.pk]), grow=grow)
    assert_flat_queries(client, reverse("mailbox:summary_list"), grow=grow, params={"quarter": "2026-3"})
    assert_flat_queries(client, reverse("mailbox:issue_board"), grow=grow, params={"year": "2026"})


def test_committee_marks_an_issue_that_shows_on_the_group_page(problems, client_of, committee_user, liaison_a,
                                                               group_a, constituency_a):
    client = client_of(committee_user)
    board = client.get(reverse("mailbox:issue_board"), {"year": "2026", "q": "3"}).content.decode()
    assert "城市建设" in board and "列为重点监督" in board
    response = client.post(f"{reverse('mailbox:issue_mark')}?year=2026&q=3", {
        "category": "urban_construction", "constituency": constituency_a.pk,
        "title": "第1选区路灯问题", "note": "多封来信反映，请城管局年底前解决。",
    })
    assert response.status_code == 302
    issue = SupervisedIssue.objects.get()
    assert list(issue.problems.all()) == [problems[0]]
    group_page = client_of(liaison_a).get(reverse("deputies:group_detail", args=[group_a.pk])).content.decode()
    assert "常委会重点监督" in group_page and "第1选区路灯问题" in group_page
    # Marking the same category in the same place again is refused.
    client.post(f"{reverse('mailbox:issue_mark')}?year=2026", {
        "category": "urban_construction", "constituency": constituency_a.pk, "title": "再来一次", "note": "重复",
    })
    assert SupervisedIssue.objects.count() == 1


def test_only_the_committee_and_the_office_mark_issues(client_of, liaison_a, deputy_a, constituency_a):
    for user in (liaison_a, deputy_a.user):
        response = client_of(user).post(reverse("mailbox:issue_mark"), {
            "category": "transport", "constituency": constituency_a.pk, "title": "议题", "note": "意见",
        })
        assert response.status_code == 403
    assert client_of(liaison_a).get(reverse("mailbox:issue_board")).status_code == 403
    assert not SupervisedIssue.objects.exists()


def _submit(group, quarter, liaison, at):
    open_quarterly_summaries(quarter.year, quarter.number)
    summary = QuarterlySummary.objects.get(group=group, year=quarter.year, quarter=quarter.number)
    summary = services.summary_submit(summary=summary, remarks="", acting_user=liaison)
    QuarterlySummary.objects.filter(pk=summary.pk).update(submitted_at=at)
    return QuarterlySummary.objects.get(pk=summary.pk)


def _registered(problem, at):
    Problem.objects.filter(pk=problem.pk).update(created_at=at)
    return problem


def test_a_late_letter_goes_into_the_next_list_once_marked_as_late(deputy_a, group_a, group_b, constituency_a,
                                                                   constituency_b, liaison_a):
    q2 = Quarter(2026, 2)
    at = lambda *args: dt.datetime(*args, tzinfo=dt.UTC)  # noqa: E731
    on_time = _registered(ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 6, 10), text="按时登记"),
                          at(2026, 6, 11, 2))
    q2_summary = _submit(group_a, q2, liaison_a, at(2026, 7, 3, 2))
    assert [row["text"] for row in q2_summary.snapshot["rows"]] == ["按时登记"]

    # A letter of June, registered after the second quarter's list was submitted.
    late = _registered(ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 6, 28), text="六月来信",
                                      source=Problem.Source.LETTER), at(2026, 7, 6, 2))
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, 1), text="八月问题")

    # The submitted list stays as it was; the live view of it does not take the late letter either.
    assert [row["text"] for row in services.summary_rows(group=group_a, quarter=q2)["rows"]] == ["按时登记"]
    q3 = services.summary_rows(group=group_a, quarter=Q3)
    assert [(row["text"], row["late_label"]) for row in q3["rows"]] == [("八月问题", ""), ("六月来信", "补报（第二季度）")]
    assert q3["total"] == 2 and q3["late"] == 1

    q3_summary = _submit(group_a, Q3, liaison_a, at(2026, 10, 9, 2))
    assert [row["late_label"] for row in q3_summary.snapshot["rows"]] == ["", "补报（第二季度）"]
    # And never again in a later list.
    q4 = services.summary_rows(group=group_a, quarter=Quarter(2026, 4))
    assert late.pk not in [row["problem_id"] for row in q4["rows"]]
    assert on_time.pk not in [row["problem_id"] for row in q4["rows"]]

    page = Client()
    page.force_login(liaison_a)
    assert "补报（第二季度）" in page.get(q3_summary.get_absolute_url()).content.decode()


def test_a_late_letter_waits_for_the_first_list_still_open(deputy_a, group_a, group_b, constituency_a,
                                                           constituency_b, liaison_a):
    at = lambda *args: dt.datetime(*args, tzinfo=dt.UTC)  # noqa: E731
    _submit(group_a, Quarter(2026, 1), liaison_a, at(2026, 4, 3))
    # Registered after the first quarter's list went, before the second's: it goes into the second.
    march = _registered(ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 3, 30), text="三月来信"),
                        at(2026, 5, 1))
    q2 = services.summary_rows(group=group_a, quarter=Quarter(2026, 2))
    assert [(row["problem_id"], row["late_label"]) for row in q2["rows"]] == [(march.pk, "补报（第一季度）")]
    assert march.pk not in [row["problem_id"] for row in services.summary_rows(group=group_a, quarter=Q3)["rows"]]


def test_a_late_letter_of_last_year_names_the_year(deputy_a, group_a, group_b, constituency_a, constituency_b,
                                                   liaison_a):
    at = lambda *args: dt.datetime(*args, tzinfo=dt.UTC)  # noqa: E731
    _submit(group_a, Quarter(2025, 4), liaison_a, at(2026, 1, 5))
    december = _registered(ProblemFactory(deputy=deputy_a, raised_on=dt.date(2025, 12, 29), text="年底来信"),
                           at(2026, 1, 8))
    q1 = services.summary_rows(group=group_a, quarter=Quarter(2026, 1))
    assert [(row["problem_id"], row["late_label"]) for row in q1["rows"]] == [(december.pk, "补报（2025年第四季度）")]
