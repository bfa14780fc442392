"""The workflow transitions as API actions, under the same services and rules as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from budgets import services
from budgets.api.fields import YuanField
from budgets.workflow import PROJECT_REQUEST, machine_of
from core.workflow import CommentInput


class CommentSerializer(serializers.Serializer):
    target = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, t.label) for a, t in PROJECT_REQUEST.transitions.items()])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    comments = CommentSerializer(many=True, required=False, default=list)
    fiscal_amount = YuanField(required=False)
    other_amount = YuanField(required=False)
    sub_items = serializers.DictField(
        child=YuanField(),
        required=False,
        help_text="A cut of an itemised project: sub-item id → its new amount (yuan), adding up to the new amount.",
    )


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    created_at = serializers.DateTimeField()


class TransitionMixin:
    """POST …/{id}/transition/ with {"action": "approve", "reason": …}: 200 with the event, 400
    with {"code", "message"} when a rule says no (409 semantics are in the code: "conflict")."""

    @extend_schema(request=TransitionSerializer, responses=TransitionResultSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = services.item_transition(
            item=item,
            action=values["action"],
            actor=request.user,
            reason=values["reason"],
            comments=[CommentInput(c["target"], c["text"]) for c in values["comments"]],
            fiscal_amount=values.get("fiscal_amount"),
            other_amount=values.get("other_amount"),
            sub_items=values.get("sub_items"),
        )
        return Response(TransitionResultSerializer(event).data)

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.CharField())})
    @action(detail=True, methods=["get"])
    def actions(self, request, pk=None, **kwargs):
        """The actions the caller may take on this item now."""
        item = get_object_or_404(self.get_queryset(), pk=pk)
        return Response([t.action for t in machine_of(item).allowed(request.user, item)])
