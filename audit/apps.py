from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Security audit")
    default = True

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)


class AxesConfig(axes_apps.AppConfig):
    """django-axes under a translated name in the admin (the package has no Chinese catalogue;
    its strings are in locale/zh_Hans)."""

    verbose_name = _("Login lockout")
    default = False
