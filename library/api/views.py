"""The library API (/api/v1/library/): the same policy and the same services as the pages;
another unit's object answers 404, a refused rule 400 in the one error shape."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.models import BudgetCycle, Project, ProjectCategory
from core import policy
from core.errors import BusinessRuleError

from .. import selectors, services
from ..models import DIMENSIONS
from . import serializers as s


def _cycle(value) -> BudgetCycle:
    try:
        return BudgetCycle.objects.get(year=int(value))
    except (TypeError, ValueError, BudgetCycle.DoesNotExist):
        raise BusinessRuleError("bad_year", "请给出已有预算年度（year）。") from None


class LibraryProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["state", "kind", "unit__code", "first_year"]

    def get_queryset(self):
        return selectors.visible_projects(self.request.user).prefetch_related(
            "plan_rows", "assessments__cycle", "assessments__assessed_by", "years__cycle", "years__project"
        )

    def get_serializer_class(self):
        return s.LibraryProjectSerializer if self.action == "list" else s.LibraryProjectDetailSerializer

    def create(self, request: Request, **kwargs) -> Response:
        membership = policy.membership_of(request.user)
        if membership is None:
            raise BusinessRuleError("forbidden", "只有单位经办人或负责人可以申报项目。")
        data = request.data
        category = ProjectCategory.objects.filter(pk=data.get("category") or None).first()
        project = services.library_propose(
            actor=request.user, unit=membership.unit, cycle=_cycle(data.get("year")), name=str(data.get("name", "")),
            kind=str(data.get("kind", "")), plan=list(data.get("plan") or []), category=category,
            content=str(data.get("content", "")), necessity=str(data.get("necessity", "")),
            midterm_goal=str(data.get("midterm_goal", "")), targets=list(data.get("targets") or []),
        )  # fmt: skip
        return Response(s.LibraryProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None, **kwargs) -> Response:
        project = self.get_object()
        year = request.data.get("year")
        services.library_transition(
            library_project=project, action=str(request.data.get("action", "")), actor=request.user,
            reason=str(request.data.get("reason", "")), cycle=_cycle(year) if year else None,
        )  # fmt: skip
        project.refresh_from_db()
        return Response(s.LibraryProjectDetailSerializer(project).data)

    @action(detail=True, methods=["post"])
    def assessments(self, request: Request, pk=None, **kwargs) -> Response:
        project = self.get_object()
        assessment = services.assessment_record(
            actor=request.user, library_project=project, cycle=_cycle(request.data.get("year")),
            scores={d: request.data.get(d, "") for d in DIMENSIONS},
            conclusion=str(request.data.get("conclusion", "")), reasons=str(request.data.get("reasons", "")),
        )  # fmt: skip
        return Response(s.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk=None, **kwargs) -> Response:
        project = self.get_object()
        services.plan_save(
            actor=request.user, library_project=project, made_in=_cycle(request.data.get("year")).year,
            amounts=list(request.data.get("amounts") or []), targets=list(request.data.get("targets") or []),
        )  # fmt: skip
        return Response(s.PlanRowSerializer(project.plan_rows.all(), many=True).data)


class SuggestionView(APIView):
    """The suggested amount of a year's request (``/suggestions/<budgets project id>/``)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, project_id: int, **kwargs) -> Response:
        project = get_object_or_404(Project.objects.restrict(request.user), pk=project_id)
        if not policy.is_bureau_wide(request.user):
            raise PermissionDenied()
        suggestion = selectors.suggestion_for(project)
        if suggestion is None:
            return Response({"suggestion": None})
        decisions = [
            {"requested": str(d.requested), "suggested": str(d.suggested), "decided": str(d.decided),
             "distance": str(d.distance), "event": d.event.type}
            for d in project.suggestion_decisions.select_related("event")
        ]  # fmt: skip
        return Response({"suggestion": s.suggestion_payload(suggestion), "decisions": decisions})
