"""Scaling benchmarks (`make bench`): each measures the same work at two sizes
in one run and reports the ratio. Targets are ratios, never seconds, so they
hold on any machine: a paginated page or a set-based job must not slow down
in proportion to the rows behind it (SPEC §5)."""

from __future__ import annotations

import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from constituents.models import Constituent
from deputies.models import Community, Constituency, Deputy, DeputyGroup, SubDistrict
from liaison.models import Role, User
from liaison.notifications import Notice, notify_many

SMALL, LARGE = 1, 10  # district multiples: ~150 deputies vs ~1,500


def build_district(term, multiple: int, offset: int = 0) -> None:
    office = SubDistrict.objects.create(name=f"基准办事处{offset}-{multiple}")
    for g in range(12 * multiple):
        group = DeputyGroup.objects.create(name=f"基准组{offset}-{multiple}-{g}", sub_district=office)
        constituency = Constituency.objects.create(term=term, group=group, name=f"基准选区{offset}-{multiple}-{g}")
        community = Community.objects.create(constituency=constituency, name=f"基准社区{offset}-{multiple}-{g}")
        Deputy.objects.bulk_create(
            [Deputy(term=term, group=group, constituency=constituency, name=f"代表{multiple}-{g}-{i}", gender="男")
             for i in range(12)]
        )
        Constituent.objects.bulk_create(
            [Constituent(community=community, name=f"选民{g}-{i}", phone=f"139{g:04d}{i:04d}") for i in range(160)]
        )


def median_seconds(action, repeat: int = 7) -> float:
    action()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report(name: str, small: float, large: float, target: float) -> None:
    ratio = large / small
    print(f"\n{name}: {small * 1000:.1f} ms → {large * 1000:.1f} ms at 10× rows, ratio {ratio:.2f} (target < {target})")
    assert ratio < target, f"{name} grows with rows: ratio {ratio:.2f}"


@pytest.mark.parametrize(
    "url_name", ["deputies:deputy_list", "constituents:constituent_list", "deputies:group_list", "home"]
)
def test_pages_scale(db, term, url_name):
    staff = User.objects.create(username="bench-staff", role=Role.STAFF)
    client = Client()
    client.force_login(staff)
    build_district(term, SMALL)
    small = median_seconds(lambda: client.get(reverse(url_name)))
    build_district(term, LARGE - SMALL, offset=1)
    large = median_seconds(lambda: client.get(reverse(url_name)))
    # Group lists show every group (10× of them), so allow more; paginated lists must stay flat.
    report(url_name, small, large, target=12 if url_name in ("deputies:group_list", "home") else 3)


def test_notify_many_is_set_based(db):
    users = User.objects.bulk_create([User(username=f"bench{i}") for i in range(1000)])

    def send(count: int, round_: list[int]):
        round_[0] += 1
        notify_many(Notice(recipient_id=u.pk, title="基准提醒", dedupe_key=f"bench:{round_[0]}") for u in users[:count])

    counter = [0]
    small = median_seconds(lambda: send(100, counter), repeat=5)
    large = median_seconds(lambda: send(1000, counter), repeat=5)
    report("notify_many per notice", small / 100, large / 1000, target=1.5)
