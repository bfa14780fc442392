"""Test data builders, in one place."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from budgets import models
from core.models import Membership, Unit, UnitKind
from core.roles import Role


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"测试分局{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = UnitKind.BRANCH
    sort_order = factory.Sequence(lambda n: 100 + n)


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetCycle
        django_get_or_create = ["year"]

    year = 2031
    procurement_catalogue = factory.LazyFunction(lambda: models.CatalogueVersion.objects.get(code="2020"))


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UnitBudget

    cycle = factory.SubFactory(CycleFactory)
    unit = factory.SubFactory(UnitFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    budget = factory.SubFactory(BudgetFactory)
    name = factory.Sequence(lambda n: f"项目{n}")
    fiscal_amount = Decimal("100000.00")
    other_amount = Decimal("0.00")
    total_amount = factory.LazyAttribute(lambda o: o.fiscal_amount + o.other_amount)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


def user_with_role(role: Role, unit: Unit, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.update_or_create(user=user, defaults={"unit": unit, "role": role})
    return user
