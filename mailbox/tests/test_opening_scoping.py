"""An opening lists only the letters the viewer may see: a deputy sharing a box
sees the letters addressed to them, never a colleague's."""

from __future__ import annotations

from django.urls import reverse

from deputies.tests.factories import DeputyFactory
from liaison.models import Role
from liaison.tests.factories import UserFactory
from mailbox import services


def test_opening_shows_a_deputy_only_their_letters(client_of, open_box, box, deputy_a, liaison_a):
    colleague = DeputyFactory(constituency=deputy_a.constituency, name="王卫东",
                              user=UserFactory(username="colleague", role=Role.DEPUTY))
    box.deputies.add(colleague)
    opening = open_box(texts=())
    opening.letter_count = 2
    opening.save()
    services.letter_register(opening=opening, letter=services.LetterInput(text="写给张代表：路灯坏了三个月"),
                             acting_user=liaison_a)
    services.letter_register(opening=opening, letter=services.LetterInput(text="写给王代表：楼道堆放杂物",
                                                                          deputy=colleague), acting_user=liaison_a)
    url = reverse("mailbox:opening_detail", args=[opening.pk])

    liaison_page = client_of(liaison_a).get(url).content.decode()
    assert "路灯坏了" in liaison_page and "楼道堆放杂物" in liaison_page

    colleague_page = client_of(colleague.user).get(url).content.decode()
    assert "楼道堆放杂物" in colleague_page and "路灯坏了" not in colleague_page
