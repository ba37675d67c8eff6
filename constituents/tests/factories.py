from __future__ import annotations

import factory

from constituents.models import Constituent, ConstituentCategory
from deputies.tests.factories import CommunityFactory


class ConstituentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituent

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"选民{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = "解放路1号"
    category = ConstituentCategory.ORDINARY
