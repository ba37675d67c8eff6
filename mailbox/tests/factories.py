from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from deputies.tests.factories import ConstituencyFactory
from liaison.tests.factories import UserFactory
from mailbox.models import Mailbox, Opening


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"第{n}号代表信箱")
    location = factory.Sequence(lambda n: f"党群服务中心{n}号门")
    set_up_on = dt.date(2024, 1, 1)
    keeping = Mailbox.Keeping.ENTRUSTED
    entrusted_to = factory.SubFactory(UserFactory, role="liaison")
    entrusted_reason = "代表长期外出学习"
    entrusted_on = dt.date(2024, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        deputy = kwargs.pop("kept_by", None)
        if deputy is not None:
            kwargs.update(keeping=Mailbox.Keeping.DEPUTY, keeper_deputy=deputy, entrusted_to=None,
                          entrusted_reason="", entrusted_on=None)
        box = super()._create(model_class, *args, **kwargs)
        if deputy is not None:
            box.deputies.add(deputy)
        return box


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening

    mailbox = factory.SubFactory(MailboxFactory)
    opened_at = factory.LazyFunction(lambda: timezone.now().replace(second=0, microsecond=0))
    opened_by = "王联络"
    letter_count = 0
    recorded_by = factory.SubFactory(UserFactory, role="liaison")
