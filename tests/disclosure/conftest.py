import io

import openpyxl
import pytest

from budgets.models import CycleState, Project, UnitBudget
from config.celery import app as celery_app
from core.models import Unit


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Stored exports and uploads go to a temporary folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_celery():
    """Tasks run in the calling process (the real-worker path is tested in tests/reminders)."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


def reopen_targets(cycle):
    """The demo's 2020 cycle is published, its targets closed; an import of targets (the data
    template carries them) needs a cycle whose targets are still open, as the entry form does."""
    cycle.state = CycleState.PREPARATION
    cycle.save(update_fields=["state"])


@pytest.fixture
def baoan(demo):
    """宝安分局, its 2020 budget reopened as a draft (an import changes drafts only), in a cycle
    whose targets are open."""
    reopen_targets(demo)
    unit = Unit.objects.get(code="baoan")
    UnitBudget.objects.filter(cycle=demo, unit=unit).update(state="draft")
    Project.objects.filter(budget__cycle=demo, budget__unit=unit).update(state="draft")
    return unit


def sheet_rows(workbook, name: str) -> list[tuple]:
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def row_by_first(workbook, name: str, first: str, column: int = 0) -> tuple:
    for row in sheet_rows(workbook, name):
        if row[column] == first:
            return row
    raise AssertionError(f"no row {first!r} in {name}")
