"""HQ's review queues (“待我审核”) and the read-only workflow records in the Django admin.

Every action calls the same services as the pages and the API, so the same rules apply: the
admin is only another way in.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from budgets import history
from budgets import services as budget_services
from budgets.models import AdjustmentRequest
from budgets.money import format_wan, format_yuan
from budgets.workflow import machine_of
from core import policy
from core.errors import BusinessRuleError

from . import selectors, services
from .models import ReviewQueueBudget, ReviewQueueProject
from .templatetags.approvals_extras import signed_yuan
from .workflow import ADJUSTMENT

# --- Review queues -----------------------------------------------------------------------------


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting time")
    parameter_name = "waiting"
    BANDS = {"lt3": (None, 3), "3to7": (3, 7), "gt7": (7, None)}

    def lookups(self, request, model_admin):
        return [("lt3", _("under 3 days")), ("3to7", _("3 to 7 days")), ("gt7", _("over 7 days"))]

    def queryset(self, request, queryset):
        if self.value() not in self.BANDS:
            return queryset
        low, high = self.BANDS[self.value()]
        now = timezone.now()
        if low is not None:
            queryset = queryset.filter(state_changed_at__lte=now - timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(state_changed_at__gt=now - timedelta(days=high))
        return queryset


class AmountFilter(admin.SimpleListFilter):
    title = _("amount")
    parameter_name = "amount"
    BANDS = {"lt10": (None, 100_000), "10to100": (100_000, 1_000_000), "gt100": (1_000_000, None)}

    def lookups(self, request, model_admin):
        return [("lt10", _("under 10万")), ("10to100", _("10万 to 100万")), ("gt100", _("over 100万"))]

    def queryset(self, request, queryset):
        if self.value() not in self.BANDS:
            return queryset
        low, high = self.BANDS[self.value()]
        queryset = queryset.annotate(_amount=F("fiscal_amount") + F("other_amount"))
        if low is not None:
            queryset = queryset.filter(_amount__gte=low)
        if high is not None:
            queryset = queryset.filter(_amount__lt=high)
        return queryset


def _state_label(item, state: str) -> str:
    try:
        return str(machine_of(item).states(state).label)
    except (KeyError, ValueError, LookupError):
        return state


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class QueueAdmin(admin.ModelAdmin):
    """Common to both queues: only what waits for the user's role, oldest first, read-only."""

    ordering = ["state_changed_at"]
    actions = ["approve_selected", "recommend_selected", "return_selected"]

    def has_module_permission(self, request):
        return policy.is_hq_decider(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("waiting"), ordering="state_changed_at")
    def waiting(self, obj):
        return timezone.now() - obj.state_changed_at

    def transition_items(self, items: list, action: str, actor, reason: str) -> list:
        return budget_services.items_transition(items=items, action=action, actor=actor, reason=reason)

    def action_label(self, items: list, action: str) -> str:
        return machine_of(items[0]).get(action).label

    def _run(self, request, queryset, action: str, reason: str = ""):
        items = list(queryset)
        try:
            events = self.transition_items(items, action, request.user, reason)
        except BusinessRuleError as error:
            self.message_user(request, str(error.message), messages.ERROR)
        else:
            label = self.action_label(items, action) if items else action
            self.message_user(
                request,
                _("%(action)s: %(count)d items. Nothing else was changed.")
                % {"count": len(events), "action": label},
            )

    def _confirm(self, request, queryset, action: str, title, needs_reason: bool):
        """One confirmation page for the whole selection; each item still gets its own event."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            if needs_reason and not reason.strip():
                form.add_error("reason", _("Give a reason."))
            else:
                self._run(request, queryset, action, reason)
                return None
        return render(
            request,
            "admin/approvals/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "queryset": queryset,
                "form": form,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Approve the selected items"))
    def approve_selected(self, request, queryset):
        return self._confirm(
            request, queryset, "approve", _("Approve the selected items"), needs_reason=False
        )

    @admin.action(description=_("Recommend the selected items for approval"))
    def recommend_selected(self, request, queryset):
        return self._confirm(request, queryset, "recommend", _("Recommend for approval"), needs_reason=False)

    @admin.action(description=_("Return the selected items for revision"))
    def return_selected(self, request, queryset):
        return self._confirm(request, queryset, "return", _("Return for revision"), needs_reason=True)


@admin.register(ReviewQueueProject)
class ReviewQueueProjectAdmin(QueueAdmin):
    list_display = ["name", "unit", "state", "waiting", "amount_wan", "page_link"]
    list_filter = [("budget__unit", admin.RelatedOnlyFieldListFilter), "state", WaitingFilter, AmountFilter]
    search_fields = ["name", "budget__unit__name"]
    list_select_related = ["budget__unit", "budget__cycle"]
    readonly_fields = ["name", "budget", "category", "state", "state_changed_at", "fiscal_amount", "other_amount",
                       "purpose", "annual_goal", "history_html"]  # fmt: skip
    fields = readonly_fields
    actions = [*QueueAdmin.actions, "cut_selected"]

    def get_queryset(self, request):
        waiting = selectors.waiting_projects(request.user).values("pk")
        return ReviewQueueProject.objects.filter(pk__in=waiting).select_related(
            "budget__unit", "budget__cycle"
        )

    @admin.display(description=_("unit"), ordering="budget__unit__sort_order")
    def unit(self, obj):
        return obj.budget.unit.short_name

    @admin.display(description=_("amount (万元)"))
    def amount_wan(self, obj):
        return format_wan(obj.amount, places=2)

    @admin.display(description=_("page"))
    def page_link(self, obj):
        url = reverse("budgets:project", args=[obj.budget.cycle.year, obj.budget.unit.code, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))

    @admin.display(description=_("history and comments"))
    def history_html(self, obj):
        # User text (a reason, a comment) is an argument of format_html, never its format string:
        # a reason with braces in it ("{x}") is text, not a placeholder.
        rows = [
            format_html(
                "<li>{} · {} · {} → {} {}{}</li>",
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                e.actor,
                e.get_type_display(),
                _state_label(obj, e.to_state),
                e.comment,
                format_html_join(
                    "",
                    "<div>· {}: {}</div>",
                    ((history.comment_target_label(c.target), c.text) for c in e.comments.all()),
                ),
            )
            for e in history.events_of(obj)
        ]
        return (
            format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows))) if rows else "—"
        )

    @admin.action(description=_("Cut the amount of the selected item (one at a time)"))
    def cut_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Cut one item at a time."), messages.WARNING)
            return None
        project = queryset.get()
        form = CutForm(request.POST if "confirm" in request.POST else None, initial={
            "fiscal_amount": project.fiscal_amount, "other_amount": project.other_amount})  # fmt: skip
        if "confirm" in request.POST and form.is_valid():
            try:
                budget_services.item_transition(
                    item=project, action="cut", actor=request.user, **form.cleaned_data
                )
            except BusinessRuleError as error:
                form.add_error(None, str(error.message))
            else:
                self.message_user(request, _("Cut."))
                return None
        return render(request, "admin/approvals/confirm_action.html", {
            **self.admin_site.each_context(request), "title": _("Cut the amount"), "queryset": queryset,
            "form": form, "action": "cut_selected", "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME})  # fmt: skip


class CutForm(forms.Form):
    fiscal_amount = forms.DecimalField(
        label=_("Fiscal funds after the cut (yuan)"), max_digits=16, decimal_places=2
    )
    other_amount = forms.DecimalField(
        label=_("Other funds after the cut (yuan)"), max_digits=16, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(ReviewQueueBudget)
class ReviewQueueBudgetAdmin(QueueAdmin):
    list_display = ["unit", "cycle", "state", "waiting"]
    list_filter = ["unit", "state", WaitingFilter]
    list_select_related = ["unit", "cycle"]
    readonly_fields = ["unit", "cycle", "state", "state_changed_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        return ReviewQueueBudget.objects.filter(pk__in=selectors.waiting_budgets(request.user).values("pk"))


class AdjustmentWaitingFilter(admin.SimpleListFilter):
    """“待我处理”: the adjustments whose next step is the user's (the machine's next actors)."""

    title = _("next step by")
    parameter_name = "waiting_for"

    def lookups(self, request, model_admin):
        return [("me", _("waiting for me"))]

    def queryset(self, request, queryset):
        if self.value() != "me":
            return queryset
        return queryset.filter(pk__in=selectors.waiting_adjustments(request.user).values("pk"))


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(QueueAdmin):
    """预算调整: every adjustment the user may see, and HQ's queue of them (“待我处理”): the
    reviewer recommends or returns, the approver approves, rejects or returns, each through the
    adjustment machine, so a step cannot be skipped here either."""

    ordering = ["state_changed_at", "id"]
    list_display = ["subject_display", "unit", "year", "original_display", "adjusted_display", "delta_display",
                    "state", "waiting", "requested_by", "requested_at"]  # fmt: skip
    list_filter = [
        AdjustmentWaitingFilter,
        "state",
        "budget__cycle",
        ("budget__unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["project__name", "basic_line__functional_code__name", "basic_line__economic_code__name",
                     "reason"]  # fmt: skip
    list_select_related = selectors.ADJUSTMENT_RELATED
    readonly_fields = ["subject_display", "budget", "state", "state_changed_at", "original_fiscal_amount",
                       "original_other_amount", "adjusted_fiscal_amount", "adjusted_other_amount", "reason",
                       "requested_by", "requested_at", "decided_by", "decided_at", "decision_comment"]  # fmt: skip
    fields = readonly_fields
    actions = ["recommend_selected", "return_selected", "approve_selected", "reject_selected"]

    def has_module_permission(self, request):
        return policy.is_bureau_wide(request.user)

    def get_queryset(self, request):
        return policy.restrict(AdjustmentRequest.objects.all(), request.user).select_related(
            *selectors.ADJUSTMENT_RELATED
        )

    def get_actions(self, request):
        # The auditor reads; only HQ's deciders take steps here (the unit's staff on the pages).
        return super().get_actions(request) if policy.is_hq_decider(request.user) else {}

    def transition_items(self, items, action, actor, reason):
        return services.adjustments_transition(adjustments=items, action=action, actor=actor, reason=reason)

    def action_label(self, items, action):
        return ADJUSTMENT.get(action).label

    @admin.display(description=_("adjusted item"))
    def subject_display(self, obj):
        return obj.subject_label

    @admin.display(description=_("unit"), ordering="budget__unit__sort_order")
    def unit(self, obj):
        return obj.budget.unit.short_name

    @admin.display(description=_("year"), ordering="budget__cycle__year")
    def year(self, obj):
        return obj.budget.cycle.year

    @admin.display(description=_("before (yuan)"))
    def original_display(self, obj):
        return format_yuan(obj.original_amount)

    @admin.display(description=_("after (yuan)"))
    def adjusted_display(self, obj):
        return format_yuan(obj.adjusted_amount)

    @admin.display(description=_("difference (yuan)"))
    def delta_display(self, obj):
        return signed_yuan(obj.delta)

    @admin.action(description=_("Recommend the selected adjustments for approval"))
    def recommend_selected(self, request, queryset):
        return self._confirm(request, queryset, "recommend", _("Recommend for approval"), needs_reason=False)

    @admin.action(description=_("Return the selected adjustments for revision"))
    def return_selected(self, request, queryset):
        return self._confirm(request, queryset, "return", _("Return for revision"), needs_reason=True)

    @admin.action(description=_("Approve the selected adjustments"))
    def approve_selected(self, request, queryset):
        return self._confirm(
            request, queryset, "approve", _("Approve the selected adjustments"), needs_reason=False
        )

    @admin.action(description=_("Reject the selected adjustments"))
    def reject_selected(self, request, queryset):
        return self._confirm(
            request, queryset, "reject", _("Reject the selected adjustments"), needs_reason=True
        )
