from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Deadline reminders")

    def ready(self):
        from budgets.deadlines import register_deadline_owing

        from .owing import unit_owes

        # The unit's page shows the deadlines the unit owes by the reminders' own rule.
        register_deadline_owing(unit_owes)
