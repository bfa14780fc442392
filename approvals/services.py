"""Writes of the approvals app: the workflow transitions, adjustments, notifications.

Every transition: lock the row, check the state and the actor's right, apply, write an
append-only event, notify whoever must act next after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budgets.errors import BusinessRuleError
from budgets.models import ZERO, BasicExpenditureLine, Project, UnitBudget

from . import checks, policy
from .models import (
    AdjustmentRequest,
    AdjustmentState,
    Membership,
    Notification,
    ReviewComment,
    WorkflowEvent,
)
from .roles import ROLE_PERMISSIONS, Role
from .snapshots import snapshot
from .workflow import NEXT_ACTORS, Action, State, transition_for


def _matching_permissions(pattern: str) -> list[Permission]:
    app_label, _sep, codename = pattern.partition(".")
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if codename == "*":
        return list(qs)
    if codename.endswith("_*"):
        return list(qs.filter(codename__startswith=codename[:-1]))
    if codename.startswith("*_"):
        return list(qs.filter(codename__endswith=codename[1:]))
    return list(qs.filter(codename=codename))


@transaction.atomic
def roles_sync() -> None:
    """Create one group per role and give it the model permissions of ``ROLE_PERMISSIONS``."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = [p for pattern in ROLE_PERMISSIONS[role] for p in _matching_permissions(pattern)]
        group.permissions.set(perms)


# --- Transitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentInput:
    target: str
    text: str


def _budget_of(item) -> UnitBudget:
    return item if isinstance(item, UnitBudget) else item.budget


def _event_kwargs(item) -> dict:
    if isinstance(item, Project):
        return {"budget_id": item.budget_id, "project": item}
    return {"budget": item, "project": None}


def item_transition(
    *,
    item: UnitBudget | Project,
    action: str,
    actor,
    reason: str = "",
    comments: Iterable[CommentInput] = (),
    fiscal_amount: Decimal | None = None,
    other_amount: Decimal | None = None,
) -> WorkflowEvent:
    """Move a unit's submission or a project request one step along approvals/workflow.py."""
    transition = transition_for(action)
    if transition is None:
        raise BusinessRuleError("unknown_action", _("Unknown action: %(action)s") % {"action": action})
    with transaction.atomic():
        model = type(item)
        locked = model.objects.select_for_update().get(pk=item.pk)
        if locked.state not in transition.sources:
            raise BusinessRuleError(
                "conflict",
                _("This item is now “%(state)s”: someone acted on it before you. Reload the page.")
                % {"state": State(locked.state).label},
                state=locked.state,
            )
        if not policy.can_act(actor, locked, transition):
            raise BusinessRuleError("forbidden", _("Your role may not do this here."))
        reason = (reason or "").strip()
        comments = [c for c in comments if c.text.strip()]
        if transition.needs_reason and not (reason or comments):
            raise BusinessRuleError("reason_required", _("Give a reason."))
        data: dict = {}
        target = transition.target
        if transition.action in (Action.SUBMIT, Action.SIGN_OFF):
            problems = checks.blocking(checks.problems_for(locked))
            if problems:
                raise BusinessRuleError(
                    "not_ready",
                    _("Not ready to submit: %(problems)s")
                    % {"problems": "；".join(p.message for p in problems)},
                    problems=[p.code for p in problems],
                )
        if transition.action == Action.SIGN_OFF:
            data["snapshot"] = snapshot(locked)
            returned_before = WorkflowEvent.objects.filter(
                **_event_kwargs(locked), action=Action.RETURN
            ).exists()
            target = State.RESUBMITTED if returned_before else State.SUBMITTED
        if transition.action == Action.CUT:
            data.update(_apply_cut(locked, fiscal_amount, other_amount))
        from_state = locked.state
        locked.state = target
        locked.state_changed_at = timezone.now()
        locked.version += 1
        locked._history_user = actor
        locked.save()
        event = WorkflowEvent.objects.create(
            **_event_kwargs(locked),
            actor=actor,
            action=transition.action,
            from_state=from_state,
            to_state=target,
            comment=reason,
            data=data,
        )
        budget = _budget_of(locked)
        for comment in comments:
            ReviewComment.objects.create(
                event=event,
                budget=budget,
                project=locked if isinstance(locked, Project) else None,
                target=comment.target,
                text=comment.text.strip(),
                author=actor,
            )
        _notify(event, locked)
    item.refresh_from_db()
    return event


def _apply_cut(project: Project, fiscal: Decimal | None, other: Decimal | None) -> dict:
    fiscal = project.fiscal_amount if fiscal is None else Decimal(fiscal)
    other = project.other_amount if other is None else Decimal(other)
    if fiscal < ZERO or other < ZERO:
        raise BusinessRuleError("negative", _("Amounts cannot be negative."))
    if fiscal + other >= project.amount:
        raise BusinessRuleError("not_a_cut", _("A cut must lower the amount."))
    before = {"fiscal_amount": str(project.fiscal_amount), "other_amount": str(project.other_amount)}
    project.fiscal_amount, project.other_amount = fiscal, other
    return {"before": before, "after": {"fiscal_amount": str(fiscal), "other_amount": str(other)}}


def items_transition(*, items: Iterable, action: str, actor, reason: str = "") -> list[WorkflowEvent]:
    """Bulk approval: one confirmation, one event per item, all or nothing."""
    with transaction.atomic():
        return [item_transition(item=item, action=action, actor=actor, reason=reason) for item in items]


# --- Adjustments (预算调整) -------------------------------------------------------------------


def _adjusted(subject) -> tuple[Decimal, Decimal]:
    """Fiscal and other amounts of an adjustable item (a basic line has one amount)."""
    if isinstance(subject, Project):
        return subject.fiscal_amount, subject.other_amount
    return subject.amount, ZERO


def _workflow_item(subject):
    return subject if isinstance(subject, Project) else subject.budget


def adjustment_request(
    *,
    actor,
    reason: str,
    fiscal_amount: Decimal,
    other_amount: Decimal = ZERO,
    project: Project | None = None,
    basic_line: BasicExpenditureLine | None = None,
) -> AdjustmentRequest:
    """Ask to change an approved project's amounts, or one basic line of an approved unit
    submission. Nothing changes until the HQ approver approves."""
    with transaction.atomic():
        if project is not None:
            subject = Project.objects.select_for_update().get(pk=project.pk)
        else:
            subject = (
                BasicExpenditureLine.objects.select_for_update()
                .select_related("budget")
                .get(pk=basic_line.pk)
            )
            other_amount = ZERO
        if not policy.can_request_adjustment(actor, subject):
            raise BusinessRuleError(
                "forbidden", _("Only the unit's staff may ask to adjust an approved item.")
            )
        if not reason.strip():
            raise BusinessRuleError("reason_required", _("Give a reason."))
        if fiscal_amount < ZERO or other_amount < ZERO:
            raise BusinessRuleError("negative", _("Amounts cannot be negative."))
        original_fiscal, original_other = _adjusted(subject)
        if fiscal_amount + other_amount == original_fiscal + original_other:
            raise BusinessRuleError("no_change", _("The adjusted amount is the same as the current one."))
        if subject.adjustments.filter(state=AdjustmentState.PENDING).exists():
            raise BusinessRuleError("pending", _("This item already has an adjustment waiting for approval."))
        adjustment = AdjustmentRequest.objects.create(
            budget_id=subject.budget_id,
            project=subject if isinstance(subject, Project) else None,
            basic_line=None if isinstance(subject, Project) else subject,
            original_fiscal_amount=original_fiscal,
            original_other_amount=original_other,
            adjusted_fiscal_amount=fiscal_amount,
            adjusted_other_amount=other_amount,
            reason=reason.strip(),
            requested_by=actor,
        )
        item = _workflow_item(subject)
        event = WorkflowEvent.objects.create(
            **_event_kwargs(item),
            actor=actor,
            action="adjustment_request",
            from_state=item.state,
            to_state=item.state,
            comment=adjustment.reason,
            data={
                "adjustment": adjustment.pk,
                "adjusted": str(adjustment.adjusted_amount),
                "of": str(subject),
            },
        )
        _notify(event, item, roles=frozenset({Role.HQ_APPROVER}))
        return adjustment


def adjustment_decide(
    *, adjustment: AdjustmentRequest, actor, approve: bool, comment: str = ""
) -> AdjustmentRequest:
    with transaction.atomic():
        adjustment = AdjustmentRequest.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.state != AdjustmentState.PENDING:
            raise BusinessRuleError("conflict", _("This adjustment has already been decided."))
        if not policy.can_decide_adjustment(actor):
            raise BusinessRuleError("forbidden", _("Only the HQ approver decides adjustments."))
        if not approve and not comment.strip():
            raise BusinessRuleError("reason_required", _("Give a reason."))
        if adjustment.project_id:
            subject = Project.objects.select_for_update().get(pk=adjustment.project_id)
        else:
            subject = (
                BasicExpenditureLine.objects.select_for_update()
                .select_related("budget")
                .get(pk=adjustment.basic_line_id)
            )
        if approve:
            if sum(_adjusted(subject)) != adjustment.original_amount:
                raise BusinessRuleError(
                    "conflict", _("The item changed since this adjustment was asked for.")
                )
            if isinstance(subject, Project):
                subject.fiscal_amount = adjustment.adjusted_fiscal_amount
                subject.other_amount = adjustment.adjusted_other_amount
                subject.total_amount = max(subject.total_amount, subject.amount)
                subject.version += 1
            else:
                subject.amount = adjustment.adjusted_fiscal_amount
            subject._history_user = actor
            subject.save()
        adjustment.state = AdjustmentState.APPROVED if approve else AdjustmentState.REJECTED
        adjustment.decided_by = actor
        adjustment.decided_at = timezone.now()
        adjustment.decision_comment = comment.strip()
        adjustment.save()
        item = _workflow_item(subject)
        event = WorkflowEvent.objects.create(
            **_event_kwargs(item),
            actor=actor,
            action="adjustment_approve" if approve else "adjustment_reject",
            from_state=item.state,
            to_state=item.state,
            comment=adjustment.decision_comment,
            data={
                "adjustment": adjustment.pk,
                "original": str(adjustment.original_amount),
                "adjusted": str(adjustment.adjusted_amount),
                "of": str(subject),
            },
        )
        _notify(event, item, roles=policy.UNIT_STAFF_ROLES)
        return adjustment


# --- Notifications ---------------------------------------------------------------------------


def recipients_for(item, roles: Iterable[Role]) -> list:
    """The users holding one of ``roles`` who act for the item's unit."""
    unit = _budget_of(item).unit
    roles = set(roles)
    memberships = Membership.objects.filter(role__in=roles).select_related("user", "unit")
    return [
        m.user
        for m in memberships
        if m.user.is_active and (m.role not in policy.UNIT_STAFF_ROLES or m.unit_id == unit.pk)
    ]


def _notify(event: WorkflowEvent, item, roles: Iterable[Role] | None = None) -> None:
    roles = NEXT_ACTORS[State(item.state)] if roles is None else roles
    users = [u for u in recipients_for(item, roles) if u.pk != event.actor_id]
    if event.action in (Action.RETURN, Action.APPROVE, Action.CUT):
        # The unit hears about decisions on its requests even when nobody there must act.
        users += [u for u in recipients_for(item, policy.UNIT_STAFF_ROLES) if u not in users]
    Notification.objects.bulk_create(
        [Notification(recipient=u, event=event) for u in users], ignore_conflicts=True
    )
    immediate = [
        u for u in users if u.email and not getattr(getattr(u, "membership", None), "daily_digest", False)
    ]
    if immediate:
        message = _render_event_email(event, item)
        addresses = [u.email for u in immediate]
        from .tasks import send_email

        transaction.on_commit(lambda: send_email.delay(addresses, *message))


def item_url(item) -> str:
    if isinstance(item, Project):
        return reverse("budgets:project", args=[item.budget.cycle.year, item.budget.unit.code, item.pk])
    return reverse("budgets:unit", args=[item.cycle.year, item.unit.code])


def _render_event_email(event: WorkflowEvent, item) -> tuple[str, str]:
    """Subject and body, Chinese first with the English below (DOMAIN: zh-hans first)."""
    url = settings.SITE_URL.rstrip("/") + item_url(item)
    parts = []
    subject = ""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            context = {
                "event": event,
                "item": item,
                "url": url,
                "action": str(Action(event.action).label) if event.action in Action.values else event.action,
                "state": str(State(item.state).label),
            }
            if not subject:
                subject = render_to_string("approvals/email/transition_subject.txt", context).strip()
            parts.append(render_to_string("approvals/email/transition_body.txt", context).strip())
    return subject, "\n\n----\n\n".join(parts)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
