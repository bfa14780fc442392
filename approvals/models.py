from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.models import Unit

from .roles import Role


class Membership(models.Model):
    """Ties a user to the unit they work for and the role they hold there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["unit__sort_order", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
