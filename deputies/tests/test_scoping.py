"""Who sees which rows: one `visible_to(user)` per model, used by every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents.models import Constituent
from constituents.tests.factories import ConstituentFactory
from deputies.models import Deputy, DeputyGroup
from deputies.tests.factories import DeputyFactory


@pytest.fixture
def rows(deputy_a, deputy_b, community_a, community_b):
    return {
        "colleague_a": DeputyFactory(constituency=deputy_a.constituency, name="王卫东"),
        "constituent_a": ConstituentFactory(community=community_a, name="赵桂芳"),
        "constituent_b": ConstituentFactory(community=community_b, name="钱明"),
    }


def test_anonymous_is_sent_to_login(client, rows):
    for url in [reverse("home"), reverse("deputies:deputy_list"), reverse("constituents:constituent_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_deputy_of_group_b_gets_404_on_group_a(client_of, rows, deputy_a, deputy_b, group_a):
    client = client_of(deputy_b.user)
    for url in [
        reverse("deputies:group_detail", args=[group_a.pk]),
        reverse("deputies:deputy_detail", args=[deputy_a.pk]),
        reverse("constituents:constituent_detail", args=[rows["constituent_a"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("deputies:deputy_list")).content.decode()
    assert deputy_b.name in listing and deputy_a.name not in listing


def test_deputy_sees_own_group_only(rows, deputy_a):
    user = deputy_a.user
    assert set(Deputy.objects.visible_to(user)) == {deputy_a, rows["colleague_a"]}
    assert list(DeputyGroup.objects.visible_to(user)) == [deputy_a.group]
    assert list(Constituent.objects.visible_to(user)) == [rows["constituent_a"]]


def test_liaison_sees_own_groups(rows, liaison_a, deputy_a, deputy_b, group_a):
    assert set(Deputy.objects.visible_to(liaison_a)) == {deputy_a, rows["colleague_a"]}
    assert list(DeputyGroup.objects.visible_to(liaison_a)) == [group_a]
    assert list(Constituent.objects.visible_to(liaison_a)) == [rows["constituent_a"]]


def test_staff_and_committee_see_the_district(rows, staff_user, committee_user):
    for user in (staff_user, committee_user):
        assert Deputy.objects.visible_to(user).count() == 3
        assert Constituent.objects.visible_to(user).count() == 2


def test_inactive_account_sees_nothing(rows, deputy_a):
    deputy_a.user.is_active = False
    assert not Deputy.objects.visible_to(deputy_a.user).exists()


def test_committee_cannot_change_anything(client_of, rows, committee_user):
    client = client_of(committee_user)
    # Read-only: no admin, and no unmasking of personal data.
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(
        reverse("constituents:constituent_detail", args=[rows["constituent_a"].pk]), {"reveal": "1"}
    )
    assert response.status_code == 403
    assert "赵桂芳" not in response.content.decode()
