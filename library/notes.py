"""What the library notes beside a year's request (``budgets.notes``): its library entry and
plan for everyone who sees the request; the suggested amount and its reasons for HQ."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budgets.models import Project
from budgets.notes import ProjectNote

from . import selectors


def library_note(project: Project) -> ProjectNote | None:
    link = selectors.library_year_of(project)
    if link is None:
        return None
    library_project = link.library_project
    planned = selectors.last_years_plan_for(library_project, year=link.cycle.year)
    return ProjectNote(
        title=_("Project library"),
        summary=f"{library_project.code} · {library_project.get_state_display()}",
        template="library/_library_note.html",
        context={"link": link, "library_project": library_project, "planned": planned},
    )


def suggestion_note(project: Project) -> ProjectNote | None:
    suggestion = selectors.suggestion_for(project)
    if suggestion is None:
        return None
    return ProjectNote(
        title=_("Suggested amount"),
        summary=_("%(amount)s 万元 (requested %(requested)s 万元): %(reasons)s")
        % {
            "amount": selectors.wan(suggestion.amount),
            "requested": selectors.wan(suggestion.requested),
            "reasons": " ".join(suggestion.reasons),
        },
        template="library/_suggestion_note.html",
        context={"suggestion": suggestion, "decisions": list(project.suggestion_decisions.all())},
        bureau_only=True,
    )
