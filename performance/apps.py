from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _targets_check(project):
    """The pre-submission check list includes the project's performance targets (DOMAIN §6)."""
    from budgets.checks import Problem

    from .services import project_target_problems

    if not project.needs_targets:
        return []
    return [
        Problem(
            f"targets:{p.code}",
            str(p.message),
            f"indicator:{p.indicator}" if p.indicator else "indicators",
        )
        for p in project_target_problems(project=project)
    ]


def _indicator_label(key: str) -> str | None:
    from django.utils.translation import gettext

    from .models import Indicator

    name = Indicator.objects.filter(pk=key).values_list("name", flat=True).first() if key.isdigit() else None
    return f"{gettext('Indicator')}：{name}" if name else None


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from budgets.adjustments import register_adjustment_check
        from budgets.checks import register_project_check
        from budgets.history import register_comment_target

        from .checks import not_below_spent

        register_project_check(_targets_check)
        register_adjustment_check(not_below_spent)
        register_comment_target("indicator", _indicator_label)
