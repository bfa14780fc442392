from django.utils.translation import gettext_lazy as _

from budgets.models import Project, UnitBudget


class ReviewQueueProject(Project):
    """“待我审核”: the project requests waiting for the signed-in HQ user (admin queue)."""

    class Meta:
        proxy = True
        verbose_name = _("project waiting for me")
        verbose_name_plural = _("待我审核 · projects")


class ReviewQueueBudget(UnitBudget):
    """“待我审核”: the unit submissions waiting for the signed-in HQ user (admin queue)."""

    class Meta:
        proxy = True
        verbose_name = _("unit submission waiting for me")
        verbose_name_plural = _("待我审核 · unit submissions")
