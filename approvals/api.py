"""The adjustments (预算调整) in the API: read them, and take each step through the same
machine as the pages and the admin queue (``approvals.workflow.ADJUSTMENT``):
``POST /api/v1/adjustments/{id}/transition/`` with ``{"action": "sign_off"}``, and
``GET …/actions/`` for what the caller may do now."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from budgets.api.fields import YuanField
from budgets.api.workflow import TransitionResultSerializer
from budgets.models import AdjustmentRequest

from . import services
from .selectors import ADJUSTMENT_RELATED
from .workflow import ADJUSTMENT


class AdjustmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="budget.unit.code", read_only=True)
    year = serializers.IntegerField(source="budget.cycle.year", read_only=True)
    adjusted_item = serializers.CharField(source="subject_label", read_only=True)
    original_amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    adjusted_amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = AdjustmentRequest
        fields = ["id", "unit", "year", "project", "basic_line", "adjusted_item", "state", "state_changed_at",
                  "original_fiscal_amount", "original_other_amount", "adjusted_fiscal_amount",
                  "adjusted_other_amount", "original_amount", "adjusted_amount", "adjusted_sub_items", "reason",
                  "requested_at", "decided_at", "decision_comment"]  # fmt: skip


class AdjustmentTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, t.label) for a, t in ADJUSTMENT.transitions.items()])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    fiscal_amount = YuanField(
        required=False,
        help_text="resubmit: the revised fiscal funds (a basic line: its amount), yuan; "
        "left out, the amount asked before.",
    )
    other_amount = YuanField(
        required=False,
        help_text="resubmit: the revised other funds of a project, yuan; left out, as asked before.",
    )
    sub_items = serializers.DictField(
        child=YuanField(),
        required=False,
        help_text="resubmit of an itemised project: sub-item id → its new amount (yuan); left out, as asked before.",
    )


class AdjustmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AdjustmentSerializer

    def get_queryset(self):
        return (
            AdjustmentRequest.objects.restrict(self.request.user)
            .select_related(*ADJUSTMENT_RELATED)
            .order_by("-requested_at", "-id")
        )

    @extend_schema(request=AdjustmentTransitionSerializer, responses=TransitionResultSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        adjustment = get_object_or_404(self.get_queryset(), pk=pk)
        data = AdjustmentTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        event = services.adjustment_transition(
            adjustment=adjustment, action=values.pop("action"), actor=request.user, reason=values.pop("reason"),
            **values,
        )  # fmt: skip
        return Response(TransitionResultSerializer(event).data)

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.CharField())})
    @action(detail=True, methods=["get"])
    def actions(self, request, pk=None):
        """The steps the caller may take on this adjustment now."""
        adjustment = get_object_or_404(self.get_queryset(), pk=pk)
        return Response([t.action for t in ADJUSTMENT.allowed(request.user, adjustment)])


router = SimpleRouter()
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
urlpatterns = router.urls
