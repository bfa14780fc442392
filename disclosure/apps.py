from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure and import")

    def ready(self) -> None:
        from budgets.consistency import register_cycle_check

        from .checks import cycle_findings, cycle_stamp

        register_cycle_check(cycle_findings, stamp=cycle_stamp)
