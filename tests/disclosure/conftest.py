import io

import openpyxl
import pytest

from config.celery import app as celery_app


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


def sheet_rows(workbook, name: str) -> list[tuple]:
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def row_by_first(workbook, name: str, first: str, column: int = 0) -> tuple:
    for row in sheet_rows(workbook, name):
        if row[column] == first:
            return row
    raise AssertionError(f"no row {first!r} in {name}")
