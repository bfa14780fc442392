"""Warnings other apps raise through the reminders engine (issue #14's all-year monitoring).

An app above reminders registers a *warning source* from its ``AppConfig.ready``: a function of
the day that returns the warnings holding that day. The daily scan (``reminders.services``)
records each warning once per person and step in ``WarningLog`` (the same unique-row guarantee
as the deadline reminders), sends it to the unit's preparers and heads through the one outbox,
and escalates it to HQ's reviewers and approvers once it has held for ``escalate_to_hq_after``
days. Reminders knows nothing of what a warning is about: the source gives its text in both
languages and its link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from core.models import Unit


@dataclass(frozen=True)
class RaisedWarning:
    key: str  # stable identity of the warning: "source:rule:subject", the same every day it holds
    unit: Unit
    text_zh: str
    text_en: str
    link: str = ""
    escalate_to_hq_after: int | None = None


WarningSource = Callable[[date], Iterable[RaisedWarning]]
_SOURCES: dict[str, WarningSource] = {}


def register_warning_source(name: str, source: WarningSource) -> WarningSource:
    _SOURCES[name] = source
    return source


def warning_sources() -> dict[str, WarningSource]:
    return dict(_SOURCES)
