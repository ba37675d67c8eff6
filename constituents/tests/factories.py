from __future__ import annotations

import datetime as dt

import factory

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
from deputies.tests.factories import CommunityFactory, ConstituencyFactory, DeputyFactory
from liaison.tests.factories import UserFactory


class ConstituentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituent

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"选民{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = "解放路1号"
    category = ConstituentCategory.ORDINARY


class ProblemFactory(factory.django.DjangoModelFactory):
    """A registered problem of a deputy's group; build later states through the services."""

    class Meta:
        model = Problem

    deputy = factory.SubFactory(DeputyFactory)
    group = factory.SelfAttribute("deputy.group")
    constituency = factory.SelfAttribute("deputy.constituency")
    source = Problem.Source.VISIT
    text = factory.Sequence(lambda n: f"小区路灯不亮第{n}处")
    category = ProblemCategory.URBAN_CONSTRUCTION
    raised_on = dt.date(2026, 3, 2)
    state_since = dt.date(2026, 3, 2)


class ContactActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactActivity
        skip_postgeneration_save = True

    term = factory.SelfAttribute("constituency.term")
    group = factory.SelfAttribute("constituency.group")
    constituency = factory.SubFactory(ConstituencyFactory)
    organizer = ActivityOrganizer.PERSONAL
    held_on = dt.date(2026, 3, 2)
    ask_type = AskType.NEEDS
    form = ActivityForm.VISIT
    place = "社区活动室"
    summary = "走访选民，听取意见"
    crowd_count = 5
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def deputies(self, create, extracted, **kwargs):
        if create and extracted:
            self.deputies.set(extracted)
