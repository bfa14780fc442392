import pytest
from django.contrib.auth.models import AnonymousUser

from core.models import Unit
from core.policy import can_view_bureau, can_view_unit, role_of, visible_units
from core.roles import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.HQ_REVIEWER, Role.HQ_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_hq_roles_see_every_unit(demo, role):
    user = user_with_role(role, Unit.objects.get(code="hq"))
    assert visible_units(user).count() == 13
    assert can_view_bureau(user)


@pytest.mark.parametrize("role", [Role.BRANCH_PREPARER, Role.BRANCH_HEAD])
def test_branch_roles_see_only_their_unit(demo, role):
    baoan, luohu = Unit.objects.get(code="baoan"), Unit.objects.get(code="luohu")
    user = user_with_role(role, baoan)
    assert list(visible_units(user)) == [baoan]
    assert can_view_unit(user, baoan) and not can_view_unit(user, luohu)
    assert not can_view_bureau(user)


def test_hq_own_preparer_is_limited_to_hq(demo):
    user = user_with_role(Role.BRANCH_PREPARER, Unit.objects.get(code="hq"))
    assert [u.code for u in visible_units(user)] == ["hq"]
    assert not can_view_bureau(user)


def test_users_without_membership_see_nothing(demo):
    assert visible_units(UserFactory()).count() == 0
    assert visible_units(AnonymousUser()).count() == 0
    assert role_of(AnonymousUser()) is None


def test_superuser_without_membership_is_an_administrator(demo):
    assert role_of(UserFactory(is_superuser=True)) == Role.ADMINISTRATOR


def test_role_permissions_come_from_the_role_group(demo):
    reviewer = user_with_role(Role.HQ_REVIEWER, Unit.objects.get(code="hq"), is_staff=True)
    preparer = user_with_role(Role.BRANCH_PREPARER, Unit.objects.get(code="baoan"), is_staff=True)
    assert reviewer.has_perm("budgets.view_project")
    assert not reviewer.has_perm("budgets.change_unit")
    assert not preparer.has_perm("budgets.view_project")
