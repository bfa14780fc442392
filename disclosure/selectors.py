"""Reads of the disclosure app, always through ``core.policy``: a job of the whole bureau
is visible to HQ roles only, a unit's job to whoever may see that unit."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.policy import can_view_bureau, visible_units

from .models import DisclosureText, ExportJob, ImportJob


def _scope(user) -> Q:
    units = Q(unit__in=visible_units(user))
    return units | Q(unit__isnull=True) if can_view_bureau(user) else units


def export_jobs_visible(user) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(_scope(user)).select_related("cycle", "unit", "requested_by")


def import_jobs_visible(user) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(_scope(user)).select_related("cycle", "unit", "requested_by")


def disclosure_text(*, cycle) -> QuerySet[DisclosureText]:
    return (
        DisclosureText.objects.filter(cycle=cycle).select_related("edited_by").order_by("sort_order", "key")
    )
