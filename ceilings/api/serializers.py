from rest_framework import serializers

from ..models import Round, RoundSnapshot
from ..workflow import CEILING


class RequestSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="key")
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True)
    mandated = serializers.CharField(source="why_mandated")


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoundSnapshot
        fields = ["round", "ceiling_total", "project_ceiling", "basic_total", "requested_total", "mandated_total",
                  "kept_total", "below_total", "over_by", "lines", "created_at"]  # fmt: skip


class CeilingSerializer(serializers.Serializer):
    """A ceiling with what falls within it now (computed, never stored) and its rounds."""

    id = serializers.IntegerField(source="ceiling.pk")
    year = serializers.IntegerField(source="ceiling.cycle.year")
    unit = serializers.CharField(source="ceiling.unit.code")
    round = serializers.ChoiceField(choices=Round.choices, source="ceiling.state")
    total = serializers.DecimalField(max_digits=16, decimal_places=2, source="ceiling.total", allow_null=True)
    project_ceiling = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="ceiling.project_ceiling", allow_null=True
    )
    basis = serializers.CharField(source="ceiling.basis")
    basic_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    limit = serializers.DecimalField(max_digits=16, decimal_places=2, source="fill.limit")
    kept_total = serializers.DecimalField(max_digits=16, decimal_places=2, source="fill.kept_total")
    below_total = serializers.DecimalField(max_digits=16, decimal_places=2, source="fill.below_total")
    over_by = serializers.DecimalField(max_digits=16, decimal_places=2, source="fill.over_by")
    kept = RequestSerializer(many=True, source="fill.kept")
    below = RequestSerializer(many=True, source="fill.below")
    rounds = SnapshotSerializer(many=True, source="ceiling.snapshots.all")


class CeilingTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, t.label) for a, t in CEILING.transitions.items()])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    total = serializers.CharField(required=False, help_text="recut: the new ceiling in yuan")


class RankSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    rank = serializers.IntegerField(min_value=1)
    mandatory = serializers.BooleanField(required=False, default=False)
    mandatory_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScenarioRowSerializer(serializers.Serializer):
    unit = serializers.CharField(source="ceiling.unit.code")
    current = serializers.DecimalField(max_digits=16, decimal_places=2, source="ceiling.total")
    new_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    kept_total = serializers.DecimalField(max_digits=16, decimal_places=2, source="view.fill.kept_total")
    below_total = serializers.DecimalField(max_digits=16, decimal_places=2, source="view.fill.below_total")
    over_by = serializers.DecimalField(max_digits=16, decimal_places=2, source="view.fill.over_by")


class ApplyScenarioSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    percent = serializers.CharField(help_text="e.g. -4")
    unit = serializers.CharField(required=False, allow_blank=True, default="")
