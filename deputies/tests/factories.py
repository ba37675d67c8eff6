from __future__ import annotations

import datetime as dt

import factory

from deputies.models import Community, Constituency, Department, Deputy, DeputyGroup, SubDistrict, Term


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("number",)

    number = 18
    name = factory.LazyAttribute(lambda t: f"第{t.number}届")
    start_date = dt.date(2024, 1, 1)
    end_date = dt.date(2028, 12, 31)
    is_current = True


class SubDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDistrict

    name = factory.Sequence(lambda n: f"第{n}街道办事处")


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    name = factory.Sequence(lambda n: f"第{n}代表组")
    sub_district = factory.SubFactory(SubDistrictFactory)


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency

    term = factory.SubFactory(TermFactory)
    group = factory.SubFactory(DeputyGroupFactory)
    name = factory.Sequence(lambda n: f"第{n + 100}选区")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"社区{n}")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    constituency = factory.SubFactory(ConstituencyFactory)
    term = factory.SelfAttribute("constituency.term")
    group = factory.SelfAttribute("constituency.group")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = "男"
    birth_month = factory.Sequence(lambda n: dt.date(1960 + n % 30, n % 12 + 1, 1))
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"区第{n}局")
    contact_person = "李科长"  # named on every step a liaison records for the department (代录)
