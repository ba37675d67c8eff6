from __future__ import annotations

from django.urls import reverse

from constituents.tests.factories import ConstituentFactory
from liaison.models import AccessLog


def test_personal_data_is_masked_until_revealed_and_logged(client_of, deputy_a, community_a):
    constituent = ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    client = client_of(deputy_a.user)
    url = reverse("constituents:constituent_detail", args=[constituent.pk])
    page = client.get(url).content.decode()
    assert "赵**" in page and "139****5678" in page and "13912345678" not in page
    assert not AccessLog.objects.exists()
    revealed = client.post(url, {"reveal": "1"}).content.decode()
    assert "赵桂芳" in revealed and "13912345678" in revealed
    log = AccessLog.objects.get()
    assert log.user == deputy_a.user and log.object_id == str(constituent.pk)


def test_constituent_list_is_masked_and_flat(client_of, liaison_a, community_a, assert_flat_queries):
    ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    client = client_of(liaison_a)
    page = client.get(reverse("constituents:constituent_list")).content.decode()
    assert "赵**" in page and "赵桂芳" not in page and "139****5678" in page
    assert_flat_queries(
        client, reverse("constituents:constituent_list"),
        grow=lambda: ConstituentFactory.create_batch(30, community=community_a),
    )


def test_a_deputy_unmasks_only_their_own_constituency(client_of, deputy_a, liaison_a, term, group_a, community_a):
    from deputies.tests.factories import CommunityFactory, ConstituencyFactory

    other_constituency = ConstituencyFactory(term=term, group=group_a, name="第3选区")
    neighbour = ConstituentFactory(community=CommunityFactory(constituency=other_constituency),
                                   name="钱学文", phone="13700001111")
    own = ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    client = client_of(deputy_a.user)

    # The rest of the group is listed, masked, and stays masked.
    url = reverse("constituents:constituent_detail", args=[neighbour.pk])
    page = client.get(url)
    assert page.status_code == 200 and "钱**" in page.content.decode()
    assert "查看完整信息" not in page.content.decode() and "只能查看本人选区选民的完整信息" in page.content.decode()
    refused = client.post(url, {"reveal": "1"})
    assert refused.status_code == 403 and "钱学文" not in refused.content.decode()
    assert not AccessLog.objects.exists()

    revealed = client.post(reverse("constituents:constituent_detail", args=[own.pk]), {"reveal": "1"})
    assert "赵桂芳" in revealed.content.decode()
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == [str(own.pk)]

    # The group's liaison works with the whole group.
    liaison_page = client_of(liaison_a).post(url, {"reveal": "1"}).content.decode()
    assert "钱学文" in liaison_page


def test_constituent_list_pages_without_counting_every_row(client_of, staff_user, community_a):
    ConstituentFactory.create_batch(51, community=community_a)
    client = client_of(staff_user)
    first = client.get(reverse("constituents:constituent_list")).content.decode()
    assert "下一页" in first and "共 51 条" in first
    second = client.get(reverse("constituents:constituent_list"), {"page": 2}).content.decode()
    assert "上一页" in second and "下一页" not in second


def test_constituent_list_finds_a_name_in_any_case_and_survives_bad_input(client_of, staff_user, community_a):
    ConstituentFactory(community=community_a, name="Ayi王", phone="13912345678")
    client = client_of(staff_user)
    assert "A**" in client.get(reverse("constituents:constituent_list"), {"name": "ayi"}).content.decode()
    for params in ({"page": "abc"}, {"community": "999999999999999"}, {"page": "9" * 30}):
        assert client.get(reverse("constituents:constituent_list"), params).status_code == 200


def test_deputy_pages_their_groups_constituents(client_of, deputy_a, community_a):
    ConstituentFactory.create_batch(51, community=community_a)
    client = client_of(deputy_a.user)
    first = client.get(reverse("constituents:constituent_list")).content.decode()
    assert "下一页" in first and "共 51 条" in first
