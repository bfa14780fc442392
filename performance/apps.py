from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _targets_check(project):
    """The pre-submission check list includes the project's performance targets (DOMAIN §6)."""
    from budgets.checks import Problem

    from .services import project_target_problems

    return [
        Problem(
            f"targets:{p.code}",
            str(p.message),
            f"indicator:{p.indicator}" if p.indicator else "indicators",
        )
        for p in project_target_problems(project=project)
    ]


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from budgets.checks import register_project_check
        from disclosure.resources import register_kind
        from disclosure.workbook.performance import register_performance_source

        from .disclosure import PerformanceRecords
        from .resources import INDICATORS

        register_project_check(_targets_check)
        register_performance_source(PerformanceRecords())
        register_kind(INDICATORS)
