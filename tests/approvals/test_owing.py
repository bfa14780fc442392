import pytest

from budgets.models import CycleDeadline, DeadlineKind
from budgets.services import item_transition
from reminders.owing import owing

from .conftest import user

pytestmark = pytest.mark.django_db


def _deadline(kind):
    return CycleDeadline.objects.get(cycle__year=2021, kind=kind)


def test_units_owe_preparation_until_everything_reached_hq(draft_project):
    owed = {
        unit.code: sorted(u.username for u in users)
        for unit, users in owing(_deadline(DeadlineKind.PREPARATION)).items()
    }
    # Every 2021 unit budget is still a draft; 宝安 also has a draft project.
    assert owed["baoan"] == ["baoan_head", "baoan_preparer"]
    assert "luohu" in owed
    assert not owing(_deadline(DeadlineKind.REVIEW))  # nothing waits at HQ yet


def test_hq_owes_the_review_while_items_wait_there(draft_project):
    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    owed = owing(_deadline(DeadlineKind.REVIEW))
    assert sorted(u.username for users in owed.values() for u in users) == ["hq_approver", "hq_reviewer"]
