"""Every sheet of the budget workbook import, in import order: a sub-item or a procurement line may
name a project of the file, an indicator a project of the file, a department-wide indicator the
target of the sheet before it."""

from .department_resource import DEPARTMENT_INDICATORS, DEPARTMENT_TARGETS
from .facts_resource import ASSETS, STAFFING
from .indicator_resource import INDICATORS
from .resources import KINDS, ImportKind


def kinds() -> list[ImportKind]:
    return [*KINDS, INDICATORS, DEPARTMENT_TARGETS, DEPARTMENT_INDICATORS, ASSETS, STAFFING]
