"""The performance API. Every queryset is cut to the units the caller may see
(core.policy); every write is one service call, whose BusinessRuleError the project's
exception handler turns into a 400 with one error shape."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.models import BudgetCycle, Project
from core import policy
from core.errors import BusinessRuleError

from .. import rubric, selectors, services
from ..models import (
    DepartmentEvaluation,
    DepartmentTarget,
    Indicator,
    MonitoringRound,
    ProjectEvaluation,
    ProjectMonitoring,
    SpendingImport,
    TargetChange,
)
from . import serializers as s


def _id(value) -> int:
    """An object's id from a path or a body: a positive whole number, or a 400 in one shape."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number <= 0 or str(number) != str(value).strip():
        raise BusinessRuleError("bad_id", "编号须为正整数。", value=str(value)[:40])
    return number


def _visible_or_404(queryset: QuerySet, value):
    """One answer for "not there" and "not yours": the same 404, so that a branch user cannot
    tell whether another unit's object exists."""
    try:
        return queryset.get(pk=_id(value))
    except queryset.model.DoesNotExist:
        raise NotFound() from None


def _visible_projects(request: Request) -> QuerySet[Project]:
    return Project.objects.restrict(request.user).select_related("budget__unit", "budget__cycle")


class IndicatorFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(method="filter_year")
    unit = django_filters.CharFilter(method="filter_unit")
    table = django_filters.ChoiceFilter(
        choices=[("project", "project"), ("department", "department")], method="filter_table"
    )

    class Meta:
        model = Indicator
        fields = ["project", "department_target", "level1", "level2"]

    def filter_year(self, qs, name, value):
        return qs.filter(project__budget__cycle__year=value) | qs.filter(department_target__cycle__year=value)

    def filter_unit(self, qs, name, value):
        return qs.filter(project__budget__unit__code=value) | qs.filter(department_target__unit__code=value)

    def filter_table(self, qs, name, value):
        return qs.filter(project__isnull=value != "project")


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Every indicator (project and department-wide) with its target text and parsed form; ``url``
    is the stable anchor of its row, for comments."""

    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        units = policy.visible_units(self.request.user)
        return (
            (
                Indicator.objects.filter(project__budget__unit__in=units)
                | Indicator.objects.filter(department_target__unit__in=units)
            )
            .select_related(
                "project__budget__unit",
                "project__budget__cycle",
                "department_target__unit",
                "department_target__cycle",
            )
            .order_by("id")
        )


class DepartmentTargetFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = DepartmentTarget
        fields = ["year", "unit"]


class DepartmentTargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentTargetSerializer
    filterset_class = DepartmentTargetFilter

    def get_queryset(self):
        return (
            DepartmentTarget.objects.restrict(self.request.user)
            .select_related("cycle", "unit")
            .prefetch_related(
                "tasks",
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.select_related(
                        "department_target__unit", "department_target__cycle"
                    ),
                ),
            )
        )


PROJECT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="the project's id")


class ProjectTargetsViewSet(viewsets.ViewSet):
    """A project's target table: ``GET`` with its DOMAIN §6 problems, ``PUT`` to replace it."""

    def _project(self, pk: str) -> Project:
        return _visible_or_404(_visible_projects(self.request), pk)

    def _payload(self, project: Project) -> dict[str, Any]:
        return s.ProjectTargetsSerializer(
            {
                "project": project,
                "editable": services.project_targets_editable(project=project, actor=self.request.user),
                "indicators": list(
                    selectors.indicators_of_project(project).select_related(
                        "project__budget__unit", "project__budget__cycle"
                    )
                ),
                "problems": [p.as_dict() for p in services.project_target_problems(project=project)],
            }
        ).data

    @extend_schema(parameters=[PROJECT_ID], responses=s.ProjectTargetsSerializer)
    def retrieve(self, request: Request, pk: str, **kwargs) -> Response:
        return Response(self._payload(self._project(pk)))

    @extend_schema(
        parameters=[PROJECT_ID], request=s.ProjectTargetsInputSerializer, responses=s.ProjectTargetsSerializer
    )
    def update(self, request: Request, pk: str, **kwargs) -> Response:
        project = self._project(pk)
        data = s.ProjectTargetsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [
            services.IndicatorData(
                row.get("id"),
                row["level1"],
                row["level2"],
                row["name"],
                row["target_text"],
                row["target_source"],
            )
            for row in data.validated_data["indicators"]
        ]
        services.project_targets_save(project=project, rows=rows, actor=request.user)
        return Response(self._payload(project))


class ParseTargetView(APIView):
    """How a target value is read: ``{"text": "≥90%"}`` → comparator, number, unit …"""

    @extend_schema(request=s.ParseTargetInputSerializer, responses=dict)
    def post(self, request: Request, **kwargs) -> Response:
        data = s.ParseTargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.parse_target_preview(data.validated_data["text"]))


class _ReviewActions:
    """submit / approve / return on a report whose services follow one naming pattern."""

    submit_service: Any
    approve_service: Any
    return_service: Any
    keyword: str

    def _run(self, service, obj, **kwargs) -> Response:
        service(**{self.keyword: obj}, actor=self.request.user, **kwargs)
        return Response(self.present(type(obj).objects.get(pk=obj.pk)))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str, **kwargs) -> Response:
        return self._run(type(self).submit_service, self.get_object())

    @extend_schema(request=s.CommentInputSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str, **kwargs) -> Response:
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            type(self).approve_service, self.get_object(), comment=data.validated_data["comment"]
        )

    @extend_schema(request=s.CommentInputSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def give_back(self, request: Request, pk: str, **kwargs) -> Response:
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(type(self).return_service, self.get_object(), comment=data.validated_data["comment"])


class MonitoringFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="round__cycle__year")
    unit = django_filters.CharFilter(field_name="project__budget__unit__code")

    class Meta:
        model = ProjectMonitoring
        fields = ["year", "unit", "state", "project"]


class MonitoringViewSet(
    _ReviewActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The August checkpoint per project: figures to date, lights, and the answers."""

    serializer_class = s.MonitoringSerializer
    filterset_class = MonitoringFilter
    submit_service = staticmethod(services.project_monitoring_submit)
    approve_service = staticmethod(services.project_monitoring_approve)
    return_service = staticmethod(services.project_monitoring_return)
    keyword = "monitoring"

    def get_queryset(self):
        return (
            ProjectMonitoring.objects.restrict(self.request.user)
            .select_related("round__cycle", "project__budget__unit", "project__budget__cycle")
            .prefetch_related("lines", "round__cycle__deadlines")
            .order_by("id")
        )

    def present(self, monitoring: ProjectMonitoring) -> dict:
        return s.MonitoringSerializer(selectors.monitoring_detail(monitoring)).data

    def list(self, request: Request, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            s.MonitoringSerializer(selectors.monitoring_views(page), many=True).data
        )

    def retrieve(self, request: Request, pk: str, **kwargs) -> Response:
        return Response(self.present(self.get_object()))

    @extend_schema(request=s.StartInputSerializer, responses=s.MonitoringSerializer)
    def create(self, request: Request, **kwargs) -> Response:
        data = s.StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = get_object_or_404(_visible_projects(request), pk=data.validated_data["project"])
        round_ = get_object_or_404(MonitoringRound, cycle=project.budget.cycle)
        monitoring = services.project_monitoring_start(round=round_, project=project, actor=request.user)
        return Response(self.present(monitoring), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MonitoringInputSerializer, responses=s.MonitoringSerializer)
    def partial_update(self, request: Request, pk: str, **kwargs) -> Response:
        monitoring = self.get_object()
        data = s.MonitoringInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = {
            line.pop("indicator"): services.MonitoringLineData(**line)
            for line in [dict(x) for x in values.pop("lines")]
        }
        services.project_monitoring_save(monitoring=monitoring, actor=request.user, lines=lines, **values)
        return Response(self.present(monitoring))


class TargetChangeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Requests to change a project's target: asked by the unit, decided by the HQ approver."""

    serializer_class = s.TargetChangeSerializer
    filterset_fields = ["state", "indicator"]

    def get_queryset(self):
        return (
            TargetChange.objects.restrict(self.request.user)
            .select_related("indicator__project__budget__unit", "requested_by", "decided_by")
            .order_by("-requested_at", "-id")
        )

    def create(self, request: Request, **kwargs) -> Response:
        # The indicator first, as the caller may see it: another unit's and a missing one are the
        # same 404 (the serializer alone would answer 400 for one and 404 for the other).
        indicator = _visible_or_404(
            Indicator.objects.filter(project__budget__unit__in=policy.visible_units(request.user)),
            request.data.get("indicator"),
        )
        data = s.TargetChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.target_change_request(
            indicator=indicator,
            new_text=data.validated_data["new_text"],
            reason=data.validated_data["reason"],
            actor=request.user,
        )
        return Response(s.TargetChangeSerializer(self.get_queryset().get(pk=change.pk)).data, status=201)

    @extend_schema(request=s.CommentInputSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str, **kwargs) -> Response:
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.target_change_approve(
            change=self.get_object(), actor=request.user, comment=data.validated_data["comment"]
        )
        return Response(s.TargetChangeSerializer(self.get_queryset().get(pk=change.pk)).data)

    @extend_schema(request=s.CommentInputSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str, **kwargs) -> Response:
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.target_change_reject(
            change=self.get_object(), actor=request.user, comment=data.validated_data["comment"]
        )
        return Response(s.TargetChangeSerializer(self.get_queryset().get(pk=change.pk)).data)


class SpendingImportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Monthly spending from the finance system, as a .csv or .xlsx upload (multipart)."""

    serializer_class = s.SpendingImportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if not policy.can_run_performance_rounds(self.request.user):
            return SpendingImport.objects.none()
        return SpendingImport.objects.select_related("cycle", "imported_by").order_by("-imported_at", "-id")

    @extend_schema(
        request={"multipart/form-data": s.SpendingImportInputSerializer}, responses=s.SpendingImportSerializer
    )
    def create(self, request: Request, **kwargs) -> Response:
        data = s.SpendingImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = get_object_or_404(BudgetCycle, year=data.validated_data["year"])
        upload = data.validated_data["file"]
        batch = services.spending_import(
            cycle=cycle, filename=upload.name, content=upload.read(), actor=request.user
        )
        return Response(s.SpendingImportSerializer(batch).data, status=status.HTTP_201_CREATED)


class ProjectEvaluationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="project__budget__cycle__year")
    unit = django_filters.CharFilter(field_name="project__budget__unit__code")

    class Meta:
        model = ProjectEvaluation
        fields = ["year", "unit", "state", "project"]


class ProjectEvaluationViewSet(
    _ReviewActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Project self-evaluations with their scores (performance.scoring)."""

    serializer_class = s.ProjectEvaluationSerializer
    filterset_class = ProjectEvaluationFilter
    submit_service = staticmethod(services.project_evaluation_submit)
    approve_service = staticmethod(services.project_evaluation_approve)
    return_service = staticmethod(services.project_evaluation_return)
    keyword = "evaluation"

    def get_queryset(self):
        return (
            ProjectEvaluation.objects.restrict(self.request.user)
            .select_related("project__budget__unit", "project__budget__cycle")
            .prefetch_related("lines")
            .order_by("id")
        )

    @staticmethod
    def _payload(view: selectors.EvaluationView) -> dict:
        rows = [{"indicator": i, "line": line, "score": score} for i, line, score in view.rows()]
        return {"evaluation": view.evaluation, "score": view.score, "rows": rows}

    def present(self, evaluation: ProjectEvaluation) -> dict:
        return s.ProjectEvaluationSerializer(self._payload(selectors.evaluation_detail(evaluation))).data

    def list(self, request: Request, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        payloads = [self._payload(view) for view in selectors.evaluation_views(page)]
        return self.get_paginated_response(s.ProjectEvaluationSerializer(payloads, many=True).data)

    def retrieve(self, request: Request, pk: str, **kwargs) -> Response:
        return Response(self.present(self.get_object()))

    @extend_schema(request=s.StartInputSerializer, responses=s.ProjectEvaluationSerializer)
    def create(self, request: Request, **kwargs) -> Response:
        data = s.StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = get_object_or_404(_visible_projects(request), pk=data.validated_data["project"])
        evaluation = services.project_evaluation_start(project=project, actor=request.user)
        return Response(self.present(evaluation), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectEvaluationInputSerializer, responses=s.ProjectEvaluationSerializer)
    def partial_update(self, request: Request, pk: str, **kwargs) -> Response:
        evaluation = self.get_object()
        data = s.ProjectEvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = {
            line.pop("indicator"): services.EvaluationLineData(**line)
            for line in [dict(x) for x in values.pop("lines")]
        }
        services.project_evaluation_save(evaluation=evaluation, actor=request.user, lines=lines, **values)
        return Response(self.present(evaluation))


class DepartmentEvaluationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = DepartmentEvaluation
        fields = ["year", "unit", "state"]


class DepartmentEvaluationViewSet(
    _ReviewActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A unit's 100-point rubric: its inputs (figures with sources, checklist points with reasons)
    and the score the pages show."""

    serializer_class = s.DepartmentEvaluationSerializer
    filterset_class = DepartmentEvaluationFilter
    submit_service = staticmethod(services.department_evaluation_submit)
    approve_service = staticmethod(services.department_evaluation_approve)
    return_service = staticmethod(services.department_evaluation_return)
    keyword = "evaluation"

    def get_queryset(self):
        return (
            DepartmentEvaluation.objects.restrict(self.request.user)
            .select_related("cycle", "unit")
            .order_by("id")
        )

    def present(self, evaluation: DepartmentEvaluation) -> dict:
        return s.DepartmentEvaluationSerializer(evaluation).data

    @extend_schema(request=s.DepartmentStartInputSerializer)
    def create(self, request: Request, **kwargs) -> Response:
        data = s.DepartmentStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = get_object_or_404(policy.visible_units(request.user), code=data.validated_data["unit"])
        cycle = get_object_or_404(BudgetCycle, year=data.validated_data["year"])
        scope = None
        if "scope" in data.validated_data:
            codes = data.validated_data["scope"]
            scope = list(policy.visible_units(request.user).filter(code__in=codes))
            if len(scope) != len(set(codes)):
                raise NotFound
        evaluation = services.department_evaluation_start(
            cycle=cycle, unit=unit, actor=request.user, scope=scope
        )
        return Response(self.present(evaluation), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RubricInputSerializer)
    def partial_update(self, request: Request, pk: str, **kwargs) -> Response:
        data = s.RubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.department_evaluation_save(
            evaluation=self.get_object(), inputs=dict(data.validated_data), actor=request.user
        )
        return Response(self.present(evaluation))


class RubricView(APIView):
    """The 100-point rubric. ``GET``: its items and figures. ``POST`` a plain mapping of inputs:
    the department scored from them, without saving anything (``?partial=1`` scores a draft)."""

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "total_points": rubric.TOTAL_POINTS,
                "items": [
                    {
                        "key": item.key,
                        "level1": rubric.PARENT[item.level2],
                        "level2": item.level2,
                        "name": str(item.name),
                        "max_points": str(item.max_points),
                        "rule": str(item.rule),
                        "formula": item.is_formula,
                        "computed": item.computed,
                        "figures": list(item.figures),
                        "deductions": [d.key for d in item.deductions],
                        "step": str(item.step),
                    }
                    for item in rubric.ITEMS
                ],
                "figures": [
                    {
                        "key": f.key,
                        "label": str(f.label),
                        "kind": f.kind,
                        "unit": str(f.unit),
                        "choices": [{"value": v, "label": str(label)} for v, label in f.choices],
                    }
                    for f in rubric.FIGURES.values()
                ],
                "deductions": [
                    {"key": d.key, "item": d.item, "label": str(d.label), "max_points": str(d.max_points)}
                    for d in rubric.DEDUCTIONS.values()
                ],
            }
        )

    @extend_schema(request=s.RubricInputSerializer, responses=s.DepartmentScoreSerializer)
    def post(self, request: Request, **kwargs) -> Response:
        data = s.RubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        partial = request.query_params.get("partial") in {"1", "true"}
        score = rubric.score_department(dict(data.validated_data), partial=partial)
        return Response(s.DepartmentScoreSerializer(score).data)
