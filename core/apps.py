from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    from .services import roles_sync

    roles_sync()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        # After every app's migrations, so that the roles' permissions exist.
        post_migrate.connect(_sync_roles, dispatch_uid="core.sync_roles")
