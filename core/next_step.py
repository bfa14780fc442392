"""What the person looking at an item should do next, in one sentence (issue #10: "a page that the
preparer must act on says, in Chinese, what to do next").

Nothing here is written per page: the sentence is read from the item's state machine
(``core.workflow``: the transitions the user may take now, who acts next in each state), the
access policy (``core.policy``: may the user edit it), the item's pre-submission check list (the
problems the page lists) and, when the unit still owes one, the deadline of the machine's kind
(``budgets.deadlines``, passed in by the page). Every page with a state machine asks
:func:`next_step`; the template shows it with ``templates/_next_step.html``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import policy
from .roles import UNIT_STAFF_ROLES, Role
from .workflow import Machine, Transition


@dataclass(frozen=True)
class NextStep:
    text: str
    # The viewer has something to do now (the page highlights it) or is waiting for someone else.
    yours: bool
    deadline: Any = None  # a budgets.deadlines.DueDeadline the unit still owes, or None
    # The problems to list under the sentence, when the page does not list them itself.
    problems: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


def _quote(transition: Transition) -> str:
    return "“%s”" % (transition.label or transition.action)


def _who(roles) -> str:
    """Who acts, in words: the unit's head, the unit's staff, or HQ's roles by their labels."""
    roles = frozenset(roles)
    if roles == frozenset({Role.BRANCH_HEAD}):
        return _("the unit head")
    if roles and roles <= UNIT_STAFF_ROLES:
        return _("the unit's preparer or head")
    return _(" or ").join(str(Role(role).label) for role in sorted(roles))


def _is_retreat(machine: Machine, item, transition: Transition) -> bool:
    """A step back to the unit (send back, withdraw, return): it leaves a state the unit cannot
    edit for one it can."""
    return transition.target in machine.editable_states and item.state not in machine.editable_states


def _forward(machine: Machine, item, transitions) -> list[Transition]:
    return [t for t in transitions if not _is_retreat(machine, item, t)]


def _value(value):
    """A page may pass the check list or the deadline as a callable: asked only when needed."""
    return value() if callable(value) else value


def _message(problem) -> str:
    """A check-list entry: ``budgets.checks.Problem`` or the performance forms' dicts."""
    return str(problem["message"] if isinstance(problem, dict) else problem.message)


def _sentences(*parts: str) -> str:
    """Sentences one after the other: a space between English ones, none after a full stop
    of Chinese (。）)."""
    return re.sub(r"(?<=[。）]) +", "", " ".join(p.strip() for p in parts if p and p.strip()))


def _due(deadline) -> str:
    if deadline is None:
        return ""
    return _("Due %(date)s (%(status)s).") % {
        "date": deadline.due_date.isoformat(),
        "status": deadline.status,
    }


def next_step(
    user,
    item,
    *,
    machine: Machine,
    problems=(),
    can_edit: bool | None = None,
    deadline=None,
    waiting_hint: str = "",
    where: str = "",
) -> NextStep:
    """The one sentence for ``user`` on ``item``.

    ``problems``: the item's check list (objects with ``blocking``, or dicts with ``message``), as
    the submit guard sees it; ``can_edit``: the page's own edit rule when it is not
    ``policy.can_change`` (the performance forms); ``deadline``: the deadline the unit owes for
    this machine, if any (both may be callables, asked only when the sentence needs them); ``waiting_hint``: what else the viewer may do while the item is not theirs
    (a locked budget item: ask for an adjustment); ``where``: the heading under which the page
    lists the problems (without it, the sentence lists them itself)."""
    state = item.state
    if can_edit is None:
        can_edit = policy.can_change(user, item)
    allowed = machine.allowed(user, item)
    forward = _forward(machine, item, allowed)
    back = [t for t in allowed if t not in forward]
    guarded = [t for t in forward if t.guards]
    unit_acts = state in machine.editable_states and can_edit
    if unit_acts or guarded:
        blocking = [
            p for p in _value(problems) if (p.get("blocking", True) if isinstance(p, dict) else p.blocking)
        ]
    else:
        blocking = []
    listed = () if where else tuple(_message(p) for p in blocking)
    # The deadline is the unit's: named to its own staff only (a unit head signing off, not HQ).
    if unit_acts or (forward and all(t.roles <= UNIT_STAFF_ROLES for t in forward)):
        deadline = _value(deadline)
    else:
        deadline = None

    if unit_acts:
        # The unit's own staff, on an item they may still change.
        steps = _forward(machine, item, [t for t in machine.transitions.values() if state in t.sources])
        parts = []
        if state == getattr(machine.states, "RETURNED", None):
            parts.append(_("HQ returned it: change what the comments in the yellow box ask for."))
        step = steps[0] if steps else None
        if blocking:
            parts.append(
                (
                    ngettext(
                        "Fix the problem listed under “%(where)s” first.",
                        "Fix the %(n)s problems listed under “%(where)s” first.",
                        len(blocking),
                    )
                    if where
                    else ngettext(
                        "Fix the problem listed below first.",
                        "Fix the %(n)s problems listed below first.",
                        len(blocking),
                    )
                )
                % {"n": len(blocking), "where": where}
            )
        if step is None:
            parts.append(_("Save your changes."))
        elif step in allowed:
            parts.append(
                (_("Then press %(action)s.") if blocking else _("Check it, then press %(action)s."))
                % {"action": _quote(step)}
            )
        else:
            parts.append(
                (
                    _("Then ask %(who)s to press %(action)s.")
                    if blocking
                    else _("Check it, then ask %(who)s to press %(action)s.")
                )
                % {"who": _who(step.roles), "action": _quote(step)}
            )
        return NextStep(_sentences(*parts, _due(deadline)), yours=True, deadline=deadline, problems=listed)

    if forward:
        first, others = forward[0], [*forward[1:], *back]
        if blocking and guarded:
            text = ngettext(
                "%(n)s problem must be fixed before %(action)s.",
                "%(n)s problems must be fixed before %(action)s.",
                len(blocking),
            ) % {"n": len(blocking), "action": _quote(guarded[0])}
            if back:
                text = _sentences(
                    text, _("Press %(action)s with a reason to send it back.") % {"action": _quote(back[0])}
                )
        elif others:
            text = _("Check it, then press %(action)s, or %(others)s.") % {
                "action": _quote(first),
                "others": _(" or ").join(
                    _quote(t) + (_(" with a reason") if t.needs_reason else "") for t in others
                ),
            }
        else:
            text = _("Check it, then press %(action)s.") % {"action": _quote(first)}
        return NextStep(
            _sentences(text, _due(deadline)),
            yours=True,
            deadline=deadline,
            problems=listed if guarded else (),
        )

    roles = machine.next_actors.get(state) or (UNIT_STAFF_ROLES if state in machine.editable_states else ())
    label = machine.states(state).label
    if roles:
        text = _("Nothing for you to do now: it is “%(state)s” and waits for %(who)s.") % {
            "state": label,
            "who": _who(roles),
        }
    else:
        text = _("Nothing left to do: it is “%(state)s”.") % {"state": label}
    still = _("You may still press %(action)s.") % {"action": _quote(back[0])} if back else ""
    return NextStep(_sentences(text, still, waiting_hint), yours=False)


def start_step(*, can_start: bool, action: str, deadline=None) -> NextStep:
    """Before a report of a machine exists (its first row is started by the unit's own staff):
    ``action`` is the start button's label; ``deadline`` the one the unit owes for it."""
    if can_start:
        text = _("Press “%(action)s”, fill the form in, then submit it.") % {"action": action}
        return NextStep(_sentences(text, _due(deadline)), yours=True, deadline=deadline)
    return NextStep(_("Not started yet: %(who)s starts it.") % {"who": _who(UNIT_STAFF_ROLES)}, yours=False)
