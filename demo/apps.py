from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The 2020 demo: the seed's figures, the demo users, the 2021 cycle. It stands above every
    other app, as it fills them all."""

    name = "demo"
    verbose_name = _("Demo data")
