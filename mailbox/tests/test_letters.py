from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from constituents.models import Problem
from constituents.services import problem_forward
from deputies.tests.factories import DepartmentFactory
from liaison.models import AccessLog
from mailbox import services
from mailbox.models import Letter, Opening
from mailbox.weeks import SHANGHAI


def opening_post(**rows):
    data = {"opened_at": "2026-11-20T09:30", "opened_by": "王联络", "witness": "社区主任", "letter_count": "3",
            "letters-TOTAL_FORMS": "3", "letters-INITIAL_FORMS": "0"}
    for index in range(3):
        data[f"letters-{index}-category"] = "other"
    data.update(rows)
    return data


def test_an_opening_registers_its_letters_as_problems_of_the_pipeline(client_of, liaison_a, box, deputy_a):
    response = client_of(liaison_a).post(reverse("mailbox:opening_create", args=[box.pk]), opening_post(**{
        "letters-0-text": "小区路灯坏了", "letters-0-category": "urban_construction",
        "letters-0-sender_name": "赵大妈", "letters-0-sender_contact": "13800001111",
        "letters-1-text": "菜市场噪音扰民",
        "letters-2-text": "希望增设公交站点", "letters-2-category": "transport",
    }))
    assert response.status_code == 302
    opening = Opening.objects.get()
    letters = list(opening.letters.select_related("problem").order_by("pk"))
    assert len(letters) == 3
    assert {letter.problem.source for letter in letters} == {Problem.Source.LETTER}
    assert all(letter.problem.deputy == deputy_a for letter in letters)  # the keeper deputy by default
    assert letters[0].sender_name == "赵大妈" and letters[1].sender_name == ""  # anonymous is fine
    assert letters[0].problem.raised_on == dt.date(2026, 11, 20)
    assert letters[0].history.first().history_change_reason == "mailbox.letter.registered"
    assert letters[0].problem.history.first().history_change_reason == "constituents.problem.registered"


def test_more_letters_than_counted_saves_nothing_and_keeps_the_input(client_of, liaison_a, box):
    response = client_of(liaison_a).post(reverse("mailbox:opening_create", args=[box.pk]), opening_post(**{
        "letter_count": "1", "letters-0-text": "第一封", "letters-1-text": "第二封",
    }))
    page = response.content.decode()
    assert response.status_code == 200
    assert "多于填写的来信数量" in page and "第二封" in page
    assert not Opening.objects.exists() and not Problem.objects.exists()


def test_a_sender_without_text_is_an_error_on_the_row(client_of, liaison_a, box):
    response = client_of(liaison_a).post(reverse("mailbox:opening_create", args=[box.pk]), opening_post(**{
        "letters-0-sender_name": "钱先生",
    }))
    assert "请填写来信内容摘要" in response.content.decode()
    assert not Opening.objects.exists()


def test_a_letter_cannot_be_registered_to_a_retired_box(open_box, box, liaison_a):
    opening = open_box(texts=())
    Opening.objects.filter(pk=opening.pk).update(letter_count=2)
    opening.refresh_from_db()
    services.mailbox_retire(mailbox=box, retired_on=dt.date(2026, 11, 25), acting_user=liaison_a)
    opening.mailbox.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.letter_register(opening=opening, letter=services.LetterInput(text="迟到的来信"),
                                 acting_user=liaison_a)
    assert "已撤除" in str(error.value)
    assert not Letter.objects.exists()


def test_deliver_then_reply_then_the_pipeline_takes_over(open_box, liaison_a, deputy_a, client_of):
    letter = open_box().letters.get()
    assert letter.stage == "待送交代表"
    with pytest.raises(ValidationError):
        services.letter_reply(letter=letter, reply="转交城管局", acting_user=deputy_a.user)
    services.letter_deliver(letter=letter, delivered_at=dt.datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI),
                            acting_user=liaison_a)
    letter.refresh_from_db()
    assert letter.stage == "待代表回复"
    client = client_of(deputy_a.user)
    response = client.post(reverse("mailbox:letter_reply", args=[letter.pk]), {
        "reply": "已了解，转交区城市管理局办理并督办", "public_reply": "您反映的路灯问题已转交有关部门。",
    })
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.stage == "代表已回复，待转交"
    # From here the casework pipeline is used as it is.
    problem_forward(problem=letter.problem, departments=[DepartmentFactory(name="区城市管理局")],
                    forwarded_on=dt.date(2026, 11, 4), acting_user=deputy_a.user)
    letter.refresh_from_db()
    assert letter.stage == "已转交"
    page = client.get(reverse("mailbox:letter_detail", args=[letter.pk])).content.decode()
    assert "区城市管理局" in page


def test_delivery_cannot_precede_receipt_or_happen_twice(open_box, liaison_a):
    letter = open_box().letters.get()
    with pytest.raises(ValidationError) as error:
        services.letter_deliver(letter=letter, delivered_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
                                acting_user=liaison_a)
    assert "不能早于收信时间" in str(error.value)
    services.letter_deliver(letter=letter, acting_user=liaison_a)
    with pytest.raises(ValidationError):
        services.letter_deliver(letter=letter, acting_user=liaison_a)


def test_scoping_of_letters(open_box, client_of, liaison_a, deputy_a, deputy_b, committee_user):
    letter = open_box().letters.get()
    assert client_of(deputy_b.user).get(reverse("mailbox:letter_detail", args=[letter.pk])).status_code == 404
    assert "小区路灯" not in client_of(deputy_b.user).get(reverse("mailbox:letter_list")).content.decode()
    assert client_of(deputy_a.user).get(reverse("mailbox:letter_detail", args=[letter.pk])).status_code == 200
    liaison_page = client_of(liaison_a).get(reverse("mailbox:letter_list")).content.decode()
    assert "小区路灯" in liaison_page and "待送交代表" in liaison_page
    committee = client_of(committee_user)
    assert committee.get(reverse("mailbox:letter_detail", args=[letter.pk])).status_code == 200
    response = committee.post(reverse("mailbox:letter_deliver", args=[letter.pk]),
                              {"deputy": deputy_a.pk, "delivered_at": "2026-11-03T10:00"})
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.delivered_at is None


def test_sender_is_masked_until_revealed_and_the_view_is_logged(open_box, client_of, liaison_a):
    letter = open_box(sender_name="赵秀兰", sender_contact="13800001111").letters.get()
    client = client_of(liaison_a)
    page = client.get(reverse("mailbox:letter_detail", args=[letter.pk])).content.decode()
    assert "赵秀兰" not in page and "13800001111" not in page and "赵**" in page
    page = client.post(reverse("mailbox:letter_detail", args=[letter.pk]), {"reveal": "1"}).content.decode()
    assert "赵秀兰" in page and "13800001111" in page
    assert AccessLog.objects.filter(user=liaison_a, object_id=str(letter.pk)).exists()


def test_scripted_text_is_stored_as_text_and_shown_escaped(open_box, client_of, liaison_a):
    letter = open_box(texts=["<script>alert('x')</script>路灯坏了"]).letters.get()
    assert letter.problem.text.startswith("<script>")
    page = client_of(liaison_a).get(reverse("mailbox:letter_detail", args=[letter.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_letter_list_is_flat(open_box, box, client_of, liaison_a, assert_flat_queries):
    open_box()
    moments = iter(range(1, 50))

    def grow():
        when = dt.datetime(2026, 11, 10, 9, next(moments), tzinfo=SHANGHAI)
        opening = services.opening_record(
            mailbox=box, opened_at=when, opened_by="王", letter_count=4, acting_user=liaison_a,
            letters=[services.LetterInput(text=f"来信{i}") for i in range(4)],
        )
        services.letter_deliver(letter=opening.letters.first(), acting_user=liaison_a)

    client = client_of(liaison_a)
    assert_flat_queries(client, reverse("mailbox:letter_list"), grow=grow)
    letter = Letter.objects.first()
    assert_flat_queries(client, reverse("mailbox:opening_detail", args=[letter.opening_id]), grow=grow)
