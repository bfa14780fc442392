"""The ceilings in the API, under the same policy and services as the pages: read what the
policy lets the user see; rank, move rounds and compare scenarios with the same rules."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import policy

from .. import parsing, selectors, services
from ..models import UnitCeiling
from . import serializers


class CeilingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = UnitCeiling
        fields = ["year", "unit"]


class CeilingViewSet(viewsets.GenericViewSet):
    """GET /api/v1/ceilings/?year=2021: each visible ceiling with what falls within it and its rounds."""

    filterset_class = CeilingFilter
    serializer_class = serializers.CeilingSerializer
    pagination_class = None  # the list is every visible ceiling of the year: one answer, no pages

    def get_queryset(self):
        return (
            UnitCeiling.objects.restrict(self.request.user)
            .select_related("cycle", "unit")
            .prefetch_related("snapshots")
            .order_by("cycle__year", "unit__sort_order")
        )

    def list(self, request):
        ceilings = self.filter_queryset(self.get_queryset())
        return Response(
            serializers.CeilingSerializer([selectors.ceiling_view(c) for c in ceilings], many=True).data
        )

    def retrieve(self, request, pk=None):
        ceiling = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(serializers.CeilingSerializer(selectors.ceiling_view(ceiling)).data)

    @extend_schema(request=serializers.CeilingTransitionSerializer, responses=serializers.CeilingSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ceiling = get_object_or_404(self.get_queryset(), pk=pk)
        data = serializers.CeilingTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        params = {"total": parsing.amount(values["total"])} if values["action"] == "recut" else {}
        services.ceiling_act(actor=request.user, ceiling=ceiling, action=values["action"], reason=values["reason"],
                             **params)  # fmt: skip
        ceiling.refresh_from_db()
        return Response(serializers.CeilingSerializer(selectors.ceiling_view(ceiling)).data)

    @extend_schema(request=serializers.RankSerializer(many=True), responses=serializers.CeilingSerializer)
    @action(detail=True, methods=["post"])
    def ranking(self, request, pk=None):
        ceiling = get_object_or_404(self.get_queryset(), pk=pk)
        data = serializers.RankSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        services.ranking_save(actor=request.user, ceiling=ceiling, ranks=[
            services.RankInput(project_id=r["project"], rank=r["rank"], mandatory=r["mandatory"],
                               mandatory_reason=r["mandatory_reason"]) for r in data.validated_data])  # fmt: skip
        return Response(serializers.CeilingSerializer(selectors.ceiling_view(ceiling)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("rates", str),
            OpenApiParameter("unit", str),
        ],
        # One list of rows per rate asked ({"-4.00": [rows], ...}): not a page.
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def scenarios(self, request):
        """Cut scenarios side by side for HQ: {"-4.00": [rows], "-6.00": [rows]}."""
        if not policy.is_bureau_wide(request.user):
            raise Http404
        ceilings = list(self.filter_queryset(self.get_queryset()))
        rates = parsing.percents(request.query_params.get("rates", ""))
        return Response({
            str(rate): serializers.ScenarioRowSerializer(services.scenario(ceilings, rate), many=True).data
            for rate in rates
        })  # fmt: skip

    @extend_schema(
        request=serializers.ApplyScenarioSerializer, responses=serializers.CeilingSerializer(many=True)
    )
    @action(detail=False, methods=["post"], url_path="scenarios/apply")
    def apply_scenario(self, request):
        """HQ applies one scenario to the ceilings of ``year`` (of one ``unit``, or all): each moves
        through its round (``recut``), all or none."""
        data = serializers.ApplyScenarioSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ceilings = self.get_queryset().filter(cycle__year=values["year"]).exclude(total__isnull=True)
        if values.get("unit"):
            ceilings = ceilings.filter(unit__code=values["unit"])
        ceilings = list(ceilings)
        services.scenario_apply(
            actor=request.user, ceilings=ceilings, percent=parsing.percent(values["percent"])
        )
        fresh = self.get_queryset().filter(pk__in=[c.pk for c in ceilings])
        return Response(
            serializers.CeilingSerializer([selectors.ceiling_view(c) for c in fresh], many=True).data
        )
