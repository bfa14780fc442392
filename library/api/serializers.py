from rest_framework import serializers

from ..models import Assessment, LibraryProject, LibraryYear, PlanRow


class PlanRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanRow
        fields = ["made_in", "year", "amount", "target"]


class AssessmentSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "cycle", "necessity", "feasibility", "target_quality", "cost", "funding", "total",
                  "conclusion", "reasons", "assessed_by", "assessed_at"]  # fmt: skip


class LibraryYearSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    project = serializers.IntegerField(source="project_id", read_only=True)
    amount = serializers.DecimalField(
        source="project.amount", max_digits=16, decimal_places=2, read_only=True
    )
    state = serializers.CharField(source="project.state", read_only=True)

    class Meta:
        model = LibraryYear
        fields = ["year", "project", "amount", "state", "plan_departure_reason"]


class LibraryProjectSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = LibraryProject
        fields = ["id", "code", "unit", "name", "kind", "category", "first_year", "state", "content",
                  "necessity", "midterm_goal", "withdrawal_reason"]  # fmt: skip
        read_only_fields = fields


class LibraryProjectDetailSerializer(LibraryProjectSerializer):
    plan = PlanRowSerializer(source="plan_rows", many=True, read_only=True)
    assessments = AssessmentSerializer(many=True, read_only=True)
    years = LibraryYearSerializer(many=True, read_only=True)

    class Meta(LibraryProjectSerializer.Meta):
        fields = [*LibraryProjectSerializer.Meta.fields, "plan", "assessments", "years"]
        read_only_fields = fields


def suggestion_payload(suggestion) -> dict:
    return {
        "requested": str(suggestion.requested),
        "suggested": str(suggestion.amount),
        "change": str(suggestion.change),
        "applied": [
            {"rule": a.rule, "change": str(a.change), "reason": a.reason} for a in suggestion.applied
        ],
        "reasons": suggestion.reasons,
    }
