"""Notes other apps add beside a project request: on its page and in HQ's review queue.

An app above budgets registers a function from its AppConfig.ready (the project library shows a
request's library entry and the amount its rules suggest); the project page and the queue show
whatever is registered, without knowing the apps that give it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Project


@dataclass(frozen=True)
class ProjectNote:
    title: str
    summary: str  # one line, for the review queue
    template: str  # the panel on the project page, rendered with ``note``
    context: dict = field(default_factory=dict)
    bureau_only: bool = False  # shown to HQ roles and the auditor only


NoteSource = Callable[[Project], "ProjectNote | None"]
_SOURCES: list[NoteSource] = []


def register_project_note(source: NoteSource) -> NoteSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def project_notes(project: Project, *, bureau_wide: bool) -> list[ProjectNote]:
    notes = (source(project) for source in _SOURCES)
    return [n for n in notes if n is not None and (bureau_wide or not n.bureau_only)]
