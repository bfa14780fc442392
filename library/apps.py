from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Project library")

    def ready(self) -> None:
        from budgets.checks import register_project_check
        from budgets.cycles import register_cycle_start_hook
        from budgets.notes import register_project_note
        from budgets.workflow import register_request_hook

        from . import checks, notes, services

        register_project_check(checks.plan_departure_problems)
        register_project_note(notes.library_note)
        register_project_note(notes.suggestion_note)
        register_request_hook(services.request_decided)
        register_cycle_start_hook(services.plan_roll_forward)
