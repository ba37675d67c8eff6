from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from constituents import selectors, services
from constituents.models import (
    ActivityForm,
    ActivityOrganizer,
    AskType,
    Constituent,
    ConstituentCategory,
    ContactActivity,
    Problem,
    ProblemCategory,
)
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory
from deputies.models import Deputy, DeputyStatus
from deputies.tests.factories import DeputyFactory

D = dt.date


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def log(deputies, user, *, constituency=None, **extra):
    fields = dict(
        organizer=ActivityOrganizer.PERSONAL, deputies=deputies, held_on=D(2026, 5, 10), ask_type=AskType.NEEDS,
        form=ActivityForm.VISIT, place="幸福里社区活动室", constituency=constituency or deputies[0].constituency,
        summary="走访十户居民，听取对小区环境的意见", crowd_count=3, acting_user=user,
    )
    fields.update(extra)
    return services.activity_log(**fields)


def test_visit_with_people_photos_and_problems_is_saved_together(deputy_a, community_a):
    known = ConstituentFactory(community=community_a, category=ConstituentCategory.ORDINARY)
    activity = log(
        [deputy_a], deputy_a.user, constituents=[known],
        new_constituents=[services.NewConstituent(name="钱淑华", community=community_a, phone="13700001111")],
        photos=[(png(), "座谈现场")],
        problems=[services.RaisedProblem(text="楼道灯不亮", category=ProblemCategory.HOUSING, is_livelihood=True,
                                         constituent_indexes=(1,))],
    )
    assert set(activity.constituents.values_list("name", flat=True)) == {known.name, "钱淑华"}
    assert activity.photos.count() == 1
    problem = activity.problems.get()
    assert problem.source == Problem.Source.VISIT and problem.deputy == deputy_a and problem.is_livelihood
    assert list(problem.constituents.values_list("name", flat=True)) == ["钱淑华"]
    assert activity.history.first().history_change_reason == "constituents.activity.logged"


def test_a_bad_problem_saves_nothing(deputy_a, community_a):
    with pytest.raises(ValidationError):
        log([deputy_a], deputy_a.user,
            new_constituents=[services.NewConstituent(name="钱淑华", community=community_a)],
            problems=[services.RaisedProblem(text="", category=ProblemCategory.HOUSING)])
    assert not ContactActivity.objects.exists() and not Constituent.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"deputies": []}, "请选择参加活动的代表"),
        ({"held_on": D(2099, 1, 1)}, "不能晚于今天"),
        ({"held_on": D(2023, 12, 31)}, "不在第18届任期内"),
        ({"photos": [(SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg"), "")]},
         "不是可以识别的图片"),
        ({"photos": [(SimpleUploadedFile("big.jpg", b"\0" * (10 * 1024 * 1024 + 1)), "")]}, "超过 10 MB"),
        ({"crowd_count": 0}, "请选择或新增联系的选民"),
    ],
)
def test_bad_input_is_refused_in_chinese(deputy_a, extra, message):
    fields = {"deputies": [deputy_a], **extra}
    with pytest.raises(ValidationError, match=message):
        log(fields.pop("deputies"), deputy_a.user, constituency=deputy_a.constituency, **fields)
    assert not ContactActivity.objects.exists()


def test_personal_activity_has_one_deputy(deputy_a, liaison_a):
    colleague = DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency)
    with pytest.raises(ValidationError, match="只能有一位代表"):
        log([deputy_a, colleague], liaison_a)


def test_group_activity_counts_for_each_deputy(deputy_a, liaison_a):
    colleague = DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency)
    log([deputy_a, colleague], liaison_a, organizer=ActivityOrganizer.GROUP, form=ActivityForm.SURVEY)
    counts = dict(
        selectors.with_year_counts(Deputy.objects.filter(pk__in=[deputy_a.pk, colleague.pk]), 2026)
        .values_list("name", "activity_count")
    )
    assert counts == {deputy_a.name: 1, colleague.name: 1}


def test_ask_type_mismatch_warns_but_saves(deputy_a, community_a):
    leader = ConstituentFactory(community=community_a, category=ConstituentCategory.INDUSTRY_LEADER)
    activity = log([deputy_a], deputy_a.user, ask_type=AskType.DIFFICULTY, constituents=[leader])
    assert "问难" in activity.mismatch_note and "各行各业领先人物" in activity.mismatch_note
    fine = log([deputy_a], deputy_a.user, ask_type=AskType.ADVICE, constituents=[leader])
    assert fine.mismatch_note == ""


def test_two_a_year_rule_at_the_year_boundary(deputy_a, group_a):
    others = DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency)
    for day in (D(2025, 12, 31), D(2026, 1, 1)):
        ContactActivityFactory(constituency=deputy_a.constituency, held_on=day, deputies=[deputy_a])
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=D(2026, 12, 31), deputies=[deputy_a])
    serving = Deputy.objects.filter(group=group_a)
    behind_2025 = set(selectors.deputies_behind(serving, 2025).values_list("name", flat=True))
    behind_2026 = set(selectors.deputies_behind(serving, 2026).values_list("name", flat=True))
    behind_2027 = set(selectors.deputies_behind(serving, 2027).values_list("name", flat=True))
    assert behind_2025 == {deputy_a.name, others.name}  # one on 31 Dec 2025 is not two
    assert behind_2026 == {others.name}  # 1 Jan and 31 Dec 2026 make two
    assert behind_2027 == {deputy_a.name, others.name}
    summary = selectors.group_year_summary(type(group_a).objects.filter(pk=group_a.pk), 2026).get()
    assert (summary.activity_count, summary.serving_deputies, summary.behind_count) == (2, 2, 1)


def test_left_deputies_are_not_behind(deputy_a, group_a):
    DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency, status=DeputyStatus.RESIGNED,
                  left_on=D(2026, 3, 1))
    assert list(selectors.deputies_behind(Deputy.objects.filter(group=group_a), 2026)) == [deputy_a]


def test_deputy_logs_a_visit_through_the_form(client_of, deputy_a, community_a):
    known = ConstituentFactory(community=community_a, category=ConstituentCategory.LOW_INCOME)
    client = client_of(deputy_a.user)
    url = reverse("constituents:activity_create")
    page = client.get(url)
    assert page.status_code == 200 and "登记联系选民活动" in page.content.decode()
    data = {
        "organizer": "personal", "deputies": [deputy_a.pk], "held_on": "2026-06-01", "ask_type": "difficulty",
        "form": "visit", "place": "幸福里社区", "constituency": deputy_a.constituency.pk,
        "constituents": [known.pk], "crowd_count": "0", "summary": "慰问低收入家庭",
        "new-TOTAL_FORMS": "3", "new-INITIAL_FORMS": "0",
        "new-0-name": "孙大爷", "new-0-community": community_a.pk, "new-0-category": "vulnerable", "new-0-phone": "",
        "new-1-category": "ordinary", "new-2-category": "ordinary",
        "problem-TOTAL_FORMS": "3", "problem-INITIAL_FORMS": "0",
        "problem-0-text": "希望办理低保", "problem-0-category": "social_security", "problem-0-is_livelihood": "on",
        "problem-0-raisers": ["n0"],
        "photos": [png("a.png"), png("b.png")],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = ContactActivity.objects.get()
    assert activity.photos.count() == 2 and activity.constituents.count() == 2 and activity.mismatch_note == ""
    problem = Problem.objects.get()
    assert problem.text == "希望办理低保" and list(problem.constituents.values_list("name", flat=True)) == ["孙大爷"]
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "孙**" in detail and "希望办理低保" in detail
    photo = activity.photos.first()
    assert client.get(reverse("constituents:activity_photo", args=[photo.pk])).status_code == 200


def test_form_error_keeps_what_was_typed(client_of, deputy_a):
    client = client_of(deputy_a.user)
    response = client.post(reverse("constituents:activity_create"), {
        "organizer": "personal", "deputies": [deputy_a.pk], "held_on": "2099-06-01", "ask_type": "needs",
        "form": "visit", "place": "文化广场", "constituency": deputy_a.constituency.pk, "crowd_count": "30",
        "summary": "政策宣讲", "new-TOTAL_FORMS": "0", "new-INITIAL_FORMS": "0",
        "problem-TOTAL_FORMS": "0", "problem-INITIAL_FORMS": "0",
    })
    page = response.content.decode()
    assert response.status_code == 200 and "活动日期不能晚于今天" in page and "政策宣讲" in page and "文化广场" in page
    assert not ContactActivity.objects.exists()


def test_photo_upload_refuses_a_non_image(client_of, deputy_a):
    activity = ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    client = client_of(deputy_a.user)
    client.post(reverse("constituents:activity_photo_add", args=[activity.pk]),
                {"image": SimpleUploadedFile("x.png", b"plain text", content_type="image/png")})
    assert activity.photos.count() == 0
    client.post(reverse("constituents:activity_photo_add", args=[activity.pk]), {"image": png(), "caption": "合影"})
    assert list(activity.photos.values_list("caption", flat=True)) == ["合影"]
