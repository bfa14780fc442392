"""The library's part of the pre-submission check list: a request that departs from last
year's plan for this year says why (issue #13, point 3)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budgets.checks import Problem
from budgets.models import Project

from . import selectors


def plan_departure_problems(project: Project) -> list[Problem]:
    link = selectors.library_year_of(project)
    if link is None:
        return []
    planned = selectors.last_years_plan_for(link.library_project, year=link.cycle.year)
    if planned is None or planned.amount == project.amount or link.plan_departure_reason.strip():
        return []
    return [
        Problem(
            "library:plan_departure",
            _(
                "The request (%(amount)s 万元) departs from last year's plan for %(year)s (%(planned)s 万元): "
                "give the reason on the project's library page."
            )
            % {
                "amount": selectors.wan(project.amount),
                "year": link.cycle.year,
                "planned": selectors.wan(planned.amount),
            },
            "plan_departure_reason",
        )
    ]
