"""Serializers: objects out as JSON (money and scores as decimal strings), and the plain input
shapes the services take. No rule lives here."""

from __future__ import annotations

from rest_framework import serializers

from budgets.api.serializers import UnitRefSerializer

from .. import rubric
from ..models import (
    DepartmentEvaluation,
    DepartmentTarget,
    DepartmentTask,
    DeviationCategory,
    Indicator,
    Level1,
    Level2,
    Likelihood,
    Progress,
    SpendingImport,
    TargetChange,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
POINTS = {"max_digits": 6, "decimal_places": 2}
NUMBER = {"max_digits": 24, "decimal_places": 6}


class ParsedTargetSerializer(serializers.Serializer):
    kind = serializers.CharField(source="target_kind")
    comparator = serializers.CharField(source="target_comparator")
    value = serializers.DecimalField(source="target_value", allow_null=True, **NUMBER)
    upper = serializers.DecimalField(source="target_upper", allow_null=True, **NUMBER)
    unit = serializers.CharField(source="target_unit")
    multiplier = serializers.DecimalField(source="target_multiplier", max_digits=12, decimal_places=0)
    approximate = serializers.BooleanField(source="target_approximate")
    deadline = serializers.DateField(source="target_deadline", allow_null=True)
    deadline_precision = serializers.CharField(source="target_deadline_precision")
    label = serializers.CharField(source="target_label")
    direction = serializers.CharField(source="target_direction")
    not_applicable = serializers.BooleanField(source="target_not_applicable")
    needs_review = serializers.BooleanField(source="target_needs_review")


class IndicatorSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    target = ParsedTargetSerializer(source="*", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "url",
            "project",
            "department_target",
            "sort_order",
            "level1",
            "level2",
            "printed_level1",
            "printed_level2",
            "name",
            "target_text",
            "initial_target_text",
            "target_source",
            "target",
        ]


class IndicatorInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    level1 = serializers.ChoiceField(choices=Level1.choices)
    level2 = serializers.ChoiceField(choices=Level2.choices)
    name = serializers.CharField(max_length=200)
    target_text = serializers.CharField(max_length=200)
    target_source = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    indicator = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(allow_null=True)


class ProjectTargetsSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    name = serializers.CharField(source="project.name")
    year = serializers.IntegerField(source="project.budget.cycle.year")
    unit = UnitRefSerializer(source="project.budget.unit")
    editable = serializers.BooleanField()
    indicators = IndicatorSerializer(many=True)
    problems = ProblemSerializer(many=True)


class ProjectTargetsInputSerializer(serializers.Serializer):
    indicators = IndicatorInputSerializer(many=True)


class DepartmentTaskSerializer(serializers.ModelSerializer):
    total_amount = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = DepartmentTask
        fields = ["id", "name", "content", "fiscal_amount", "other_amount", "total_amount"]


class DepartmentTargetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year")
    unit = UnitRefSerializer()
    tasks = DepartmentTaskSerializer(many=True)
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = DepartmentTarget
        fields = ["id", "year", "unit", "supervisor", "overall_goal", "tasks", "indicators"]


class ParseTargetInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False)


# --- Monitoring ----------------------------------------------------------------------------


class MonitoringLineSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    level1 = serializers.CharField(source="indicator.level1")
    target_text = serializers.CharField(source="indicator.target_text")
    initial_target_text = serializers.CharField(source="indicator.initial_target_text")
    expected_to_date = serializers.DecimalField(source="expected", allow_null=True, **NUMBER)
    share_of_expected = serializers.DecimalField(
        source="share", allow_null=True, max_digits=12, decimal_places=2
    )
    light = serializers.CharField(allow_null=True)
    behind = serializers.BooleanField()
    actual_value = serializers.DecimalField(
        source="line.actual_value", allow_null=True, default=None, **NUMBER
    )
    progress = serializers.CharField(source="line.progress", default="")
    actual_note = serializers.CharField(source="line.actual_note", default="")
    forecast_value = serializers.DecimalField(
        source="line.forecast_value", allow_null=True, default=None, **NUMBER
    )
    deviation_category = serializers.CharField(source="line.deviation_category", default="")
    deviation_reason = serializers.CharField(source="line.deviation_reason", default="")
    likelihood = serializers.CharField(source="line.likelihood", default="")
    corrective_measures = serializers.CharField(source="line.corrective_measures", default="")
    open_change = serializers.IntegerField(source="open_change.pk", allow_null=True, default=None)


class MonitoringSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="monitoring.pk")
    year = serializers.IntegerField(source="monitoring.project.budget.cycle.year")
    unit = UnitRefSerializer(source="monitoring.project.budget.unit")
    project = serializers.IntegerField(source="monitoring.project.pk")
    project_name = serializers.CharField(source="monitoring.project.name")
    state = serializers.CharField(source="monitoring.state")
    data_as_of = serializers.DateField(source="calendar.data_as_of")
    due = serializers.DateField(source="calendar.due")
    initial_budget = serializers.DecimalField(**MONEY)
    adjusted_budget = serializers.DecimalField(source="monitoring.adjusted_budget", allow_null=True, **MONEY)
    adjusted_budget_source = serializers.CharField(source="monitoring.adjusted_budget_source")
    spending_to_date = serializers.DecimalField(**MONEY)
    execution_rate = serializers.DecimalField(allow_null=True, max_digits=12, decimal_places=2)
    expected_spending = serializers.DecimalField(
        source="monitoring.expected_spending", allow_null=True, **MONEY
    )
    remarks = serializers.CharField(source="monitoring.remarks")
    lights = serializers.DictField(child=serializers.IntegerField())
    lines = MonitoringLineSerializer(source="rows", many=True)


class MonitoringLineInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    actual_value = serializers.DecimalField(required=False, allow_null=True, default=None, **NUMBER)
    progress = serializers.ChoiceField(choices=Progress.choices, required=False, allow_blank=True, default="")
    actual_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    forecast_value = serializers.DecimalField(required=False, allow_null=True, default=None, **NUMBER)
    deviation_category = serializers.ChoiceField(
        choices=DeviationCategory.choices, required=False, allow_blank=True, default=""
    )
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="")
    likelihood = serializers.ChoiceField(
        choices=Likelihood.choices, required=False, allow_blank=True, default=""
    )
    corrective_measures = serializers.CharField(required=False, allow_blank=True, default="")


class MonitoringInputSerializer(serializers.Serializer):
    adjusted_budget = serializers.DecimalField(
        required=False, allow_null=True, default=None, min_value=0, **MONEY
    )
    adjusted_budget_source = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    expected_spending = serializers.DecimalField(
        required=False, allow_null=True, default=None, min_value=0, **MONEY
    )
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    lines = MonitoringLineInputSerializer(many=True, required=False, default=list)


class StartInputSerializer(serializers.Serializer):
    project = serializers.IntegerField()


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TargetChangeSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="indicator.project_id", read_only=True)
    unit = serializers.CharField(source="indicator.project.budget.unit.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = TargetChange
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "project",
            "unit",
            "previous_text",
            "new_text",
            "reason",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = ["previous_text", "state", "requested_at", "decided_at", "decision_comment"]


class SpendingImportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    imported_by = serializers.CharField(source="imported_by.username", read_only=True)

    class Meta:
        model = SpendingImport
        fields = ["id", "year", "filename", "rows", "imported_by", "imported_at"]


class SpendingImportInputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    file = serializers.FileField()


# --- Self-evaluation -----------------------------------------------------------------------


class EvaluationLineSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    level1 = serializers.CharField(source="indicator.level1")
    target_text = serializers.CharField(source="indicator.target_text")
    initial_target_text = serializers.CharField(source="indicator.initial_target_text")
    actual_value = serializers.DecimalField(
        source="line.actual_value", allow_null=True, default=None, **NUMBER
    )
    achievement = serializers.CharField(source="line.achievement", default="")
    band_percent = serializers.DecimalField(
        source="line.band_percent", allow_null=True, default=None, **POINTS
    )
    not_applicable = serializers.BooleanField(source="line.not_applicable", default=False)
    deviation_reason = serializers.CharField(source="line.deviation_reason", default="")
    max_points = serializers.DecimalField(source="score.max_points", allow_null=True, default=None, **POINTS)
    points = serializers.DecimalField(source="score.points", allow_null=True, default=None, **POINTS)
    problem = serializers.CharField(source="score.problem", default="")


class ProjectEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="evaluation.pk")
    year = serializers.IntegerField(source="evaluation.project.budget.cycle.year")
    unit = UnitRefSerializer(source="evaluation.project.budget.unit")
    project = serializers.IntegerField(source="evaluation.project.pk")
    project_name = serializers.CharField(source="evaluation.project.name")
    state = serializers.CharField(source="evaluation.state")
    adjusted_budget = serializers.DecimalField(source="evaluation.adjusted_budget", allow_null=True, **MONEY)
    adjusted_budget_source = serializers.CharField(source="evaluation.adjusted_budget_source")
    spending = serializers.DecimalField(source="evaluation.spending", allow_null=True, **MONEY)
    spending_source = serializers.CharField(source="evaluation.spending_source")
    summary = serializers.CharField(source="evaluation.summary")
    weights = serializers.DictField(source="score.weights", child=serializers.DecimalField(**POINTS))
    execution_rate = serializers.DecimalField(
        source="score.execution_rate", allow_null=True, max_digits=12, decimal_places=4
    )
    execution_points = serializers.DecimalField(source="score.execution_points", allow_null=True, **POINTS)
    total = serializers.DecimalField(source="score.total", **POINTS)
    grade = serializers.CharField(source="score.grade", allow_null=True)
    complete = serializers.BooleanField(source="score.complete")
    lines = EvaluationLineSerializer(source="rows", many=True)


class EvaluationLineInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    actual_value = serializers.DecimalField(required=False, allow_null=True, default=None, **NUMBER)
    achievement = serializers.ChoiceField(
        choices=Progress.choices, required=False, allow_blank=True, default=""
    )
    band_percent = serializers.DecimalField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100, **POINTS
    )
    not_applicable = serializers.BooleanField(required=False, default=False)
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectEvaluationInputSerializer(serializers.Serializer):
    adjusted_budget = serializers.DecimalField(
        required=False, allow_null=True, default=None, min_value=0, **MONEY
    )
    adjusted_budget_source = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    spending = serializers.DecimalField(required=False, allow_null=True, default=None, min_value=0, **MONEY)
    spending_source = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    lines = EvaluationLineInputSerializer(many=True, required=False, default=list)


class RubricItemScoreSerializer(serializers.Serializer):
    key = serializers.CharField(source="item.key")
    level1 = serializers.SerializerMethodField()
    level2 = serializers.CharField(source="item.level2")
    name = serializers.CharField(source="item.name")
    formula = serializers.BooleanField(source="item.is_formula")
    max_points = serializers.DecimalField(source="item.max_points", **POINTS)
    points = serializers.DecimalField(allow_null=True, **POINTS)
    working = serializers.CharField()
    reason = serializers.CharField()

    def get_level1(self, obj: rubric.ItemScore) -> str:
        return rubric.PARENT[obj.item.level2]


class RubricLevelSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(**POINTS)
    points = serializers.DecimalField(**POINTS)


class DepartmentScoreSerializer(serializers.Serializer):
    """A scored rubric: items, level totals (sums of the items), total, grade."""

    items = RubricItemScoreSerializer(many=True)
    levels = serializers.SerializerMethodField()
    total = serializers.DecimalField(**POINTS)
    grade = serializers.CharField(allow_null=True)
    complete = serializers.BooleanField()
    errors = serializers.DictField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())

    def get_levels(self, score: rubric.DepartmentScore) -> list[dict]:
        level1 = [
            {
                "key": level.key,
                "name": str(level.name),
                "max_points": rubric.level1_max(level.key),
                "points": score.level1_points(level.key),
            }
            for level in rubric.LEVEL1
        ]
        level2 = [
            {
                "key": level.key,
                "name": str(level.name),
                "max_points": rubric.level2_max(level.key),
                "points": score.level2_points(level.key),
            }
            for level in rubric.LEVEL2
        ]
        return RubricLevelSerializer(level1 + level2, many=True).data


class RubricInputSerializer(serializers.Serializer):
    """The plain mapping performance.rubric.score_department takes."""

    figures = serializers.DictField(required=False, default=dict)
    deductions = serializers.DictField(child=serializers.DictField(), required=False, default=dict)
    checklist = serializers.DictField(child=serializers.DictField(), required=False, default=dict)


class DepartmentEvaluationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    scope = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    score = serializers.SerializerMethodField()

    class Meta:
        model = DepartmentEvaluation
        fields = ["id", "year", "unit", "scope", "state", "inputs", "score"]

    def get_score(self, evaluation: DepartmentEvaluation) -> dict:
        return DepartmentScoreSerializer(rubric.score_department(evaluation.inputs, partial=True)).data


class DepartmentStartInputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = serializers.CharField()
    scope = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="unit codes evaluated together; default: the unit, and for HQ the special-funds unit too",
    )
