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
