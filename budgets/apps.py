from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgets")

    def ready(self) -> None:
        from .consistency import bump_generation

        # Any sender: the receiver keeps to the apps the checks read (consistency.WATCHED_APPS),
        # named by label, so that budgets imports nothing above it.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(bump_generation, dispatch_uid=f"budgets.consistency.{id(signal)}")
