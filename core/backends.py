from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .policy import membership_of


class RoleBackend(ModelBackend):
    """Model permissions come from the group named after the user's role on ``Membership``.

    The role is stored once, on the membership; the group only carries the role's permissions,
    so a user never has to be kept in step with a group by hand.
    """

    def _get_group_permissions(self, user_obj):
        membership = membership_of(user_obj)
        if membership is None:
            return Permission.objects.none()
        return Permission.objects.filter(group__name=membership.role)

    def _get_user_permissions(self, user_obj):
        # Never a permission ticked on the account itself: the role is the only source, so
        # that no account holds two administrators' permissions (三员).
        return Permission.objects.none()
