"""The one workflow engine. Every state machine of the application is a :class:`Machine`: a
table of :class:`Transition` rows declared beside the model it moves (``budgets/workflow.py``,
``approvals/workflow.py``, ``performance/workflow.py``), and :func:`transition` is the only code
that moves any of them:

1. lock the row (``select_for_update``);
2. check the state (a state someone else changed since the caller read it is a conflict), the
   actor's role and unit (``core.policy.can_act``) and the reason when the row needs one;
3. run the row's guards (e.g. the pre-submission check list) and effects (e.g. a cut's new
   amounts), each declared in the table;
4. save the new state, write one event (``core.events``) and queue the notifications of the
   state's next actors through the outbox (``core.mail``), both in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import mail, policy
from .errors import BusinessRuleError
from .events import record
from .models import Event, EventType
from .roles import UNIT_STAFF_ROLES, Role


@dataclass(frozen=True)
class CommentInput:
    """A comment given with a transition: ``target`` is ``""``, ``field:<name>`` or ``<row>:<id>``."""

    target: str
    text: str


@dataclass
class Step:
    """What a guard or an effect sees: the locked row, the actor, the reason and the caller's
    parameters; ``data`` goes into the event."""

    obj: Any
    actor: Any
    reason: str
    params: dict
    data: dict = field(default_factory=dict)
    target: str = ""
    also_notify: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    event: EventType
    needs_reason: bool = False
    label: str = ""
    guards: tuple[Callable[[Step], None], ...] = ()
    effects: tuple[Callable[[Step], None], ...] = ()
    # Besides the next actors of the new state, these roles of the unit hear about it.
    notify_unit: frozenset[Role] = frozenset()


# Every machine built, in the order the apps declared them (for labels of recorded states).
MACHINES: list[Machine] = []


def state_label(event_type: str, state: str) -> str:
    """The label of ``state`` (an event's from/to state is stored as the raw value) in the machine
    whose transitions record ``event_type``, else in the first machine that has that state; the
    value itself when no machine knows it."""
    knowing = [m for m in MACHINES if state in m.states.values]
    # A row's first event (``start``) is no transition's: then the first machine with that state.
    for machine in sorted(
        knowing, key=lambda m: not any(t.event == event_type for t in m.transitions.values())
    ):
        return str(machine.states(state).label)
    return state


@dataclass(frozen=True)
class Machine:
    name: str
    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: dict[str, Transition]
    editable_states: frozenset[str]
    next_actors: dict[str, frozenset[Role]]
    # The object the events are recorded on (an adjustment's events belong to the item adjusted).
    subject: Callable[[Any], Any] = lambda obj: obj
    # Where a notification about the object takes its reader.
    link: Callable[[Any], str] = lambda obj: ""
    # What the emails call the object.
    describe: Callable[[Any], str] = str
    after: tuple[Callable[[Step, Event], None], ...] = ()
    # The cycle deadline (a ``budgets.DeadlineKind`` value) by which the unit must move it on;
    # the "what to do next" sentence (``core.next_step``) names it while the unit still owes it.
    deadline_kind: str = ""

    def __post_init__(self):
        MACHINES.append(self)

    def allowed(self, user, obj) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` in its present state."""
        state = obj.state
        return [t for t in self.transitions.values() if state in t.sources and policy.can_act(user, obj, t)]

    def get(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise BusinessRuleError(
                "unknown_action", _("Unknown action: %(action)s") % {"action": action}
            ) from None


def table(*rows: Transition) -> dict[str, Transition]:
    return {row.action: row for row in rows}


def record_decision(step: Step) -> None:
    """Who decided a request, when, and why (``decided_by``, ``decided_at``, ``decision_comment``)."""
    step.obj.decided_by = step.actor
    step.obj.decided_at = timezone.now()
    step.obj.decision_comment = step.reason


def decision_table(*, pending: str, approved: str, rejected: str, approve_event: EventType,
                   reject_event: EventType, on_approve: tuple = ()) -> dict[str, Transition]:  # fmt: skip
    """A request the HQ approver approves (running ``on_approve``) or rejects with a reason; the
    unit's staff hear of the decision. Adjustments and target changes are such requests."""
    approver = frozenset({Role.HQ_APPROVER})
    return table(
        Transition("approve", frozenset({pending}), approved, approver, approve_event, label=_lazy("Approve"),
                   effects=(*on_approve, record_decision), notify_unit=UNIT_STAFF_ROLES),
        Transition("reject", frozenset({pending}), rejected, approver, reject_event, needs_reason=True,
                   label=_lazy("Reject"), effects=(record_decision,), notify_unit=UNIT_STAFF_ROLES),
    )  # fmt: skip


def transition(*, machine: Machine, obj, action: str, actor, reason: str = "", **params) -> Event:
    """Move ``obj`` one step along ``machine``; returns the event written."""
    row = machine.get(action)
    seen_state = obj.state
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        if locked.state not in row.sources:
            if locked.state != seen_state:
                raise BusinessRuleError(
                    "conflict",
                    _("This item is now “%(state)s”: someone acted on it before you. Reload the page.")
                    % {"state": machine.states(locked.state).label},
                    state=locked.state,
                )
            raise BusinessRuleError(
                "wrong_state",
                _("“%(action)s” cannot be done while the item is “%(state)s”.")
                % {"action": row.label or row.action, "state": machine.states(locked.state).label},
                state=locked.state,
            )
        if not policy.can_act(actor, locked, row):
            raise BusinessRuleError("forbidden", _("Your role may not do this here."))
        step = Step(obj=locked, actor=actor, reason=(reason or "").strip(), params=params, target=row.target)
        if row.needs_reason and not (step.reason or params.get("comments")):
            raise BusinessRuleError("reason_required", _("Give a reason."))
        for guard in row.guards:
            guard(step)
        for effect in row.effects:
            effect(step)
        from_state = locked.state
        locked.state = step.target
        if hasattr(locked, "state_changed_at"):
            locked.state_changed_at = timezone.now()
        if hasattr(locked, "version"):
            locked.version += 1
        locked._history_user = actor
        locked.save()
        event = record(
            subject=machine.subject(locked),
            event_type=row.event,
            actor=actor,
            unit_id=policy.unit_id_of(locked),
            from_state=from_state,
            to_state=step.target,
            comment=step.reason,
            data=step.data,
        )
        for hook in machine.after:
            hook(step, event)
        roles = set(machine.next_actors.get(step.target, frozenset())) | set(step.also_notify)
        mail.notify(
            event=event,
            roles=roles,
            unit_roles=row.notify_unit,
            unit_id=policy.unit_id_of(locked),
            link=machine.link(locked),
            about=machine.describe(locked),
            state_label=str(machine.states(step.target).label),
        )
    obj.refresh_from_db()
    return event


def start(
    *, machine: Machine, obj, actor, event_type: EventType, reason: str = "", data: dict | None = None
) -> Event:
    """A new row of ``machine`` (an adjustment asked for, a report started): its first event,
    and the notifications of its first state's next actors. Call it inside the transaction that
    created ``obj``."""
    event = record(
        subject=machine.subject(obj),
        event_type=event_type,
        actor=actor,
        unit_id=policy.unit_id_of(obj),
        to_state=obj.state,
        comment=(reason or "").strip(),
        data=data or {},
    )
    mail.notify(
        event=event,
        roles=machine.next_actors.get(obj.state, frozenset()),
        unit_id=policy.unit_id_of(obj),
        link=machine.link(obj),
        about=machine.describe(obj),
        state_label=str(machine.states(obj.state).label),
    )
    return event
