from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .policy import membership_of


class RoleBackend(ModelBackend):
    """Model permissions come from the group named after the user's role on ``Membership``.

    The role is stored once, on the membership; the group only carries the role's permissions,
    so a user never has to be kept in step with a group by hand.
    """

    def get_user(self, user_id):
        """The signed-in user read with their membership and its unit: every page reads both
        (the policy, the navigation bar), which cost two more queries on every request."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("membership__unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_group_permissions(self, user_obj):
        membership = membership_of(user_obj)
        if membership is None:
            return Permission.objects.none()
        return Permission.objects.filter(group__name=membership.role)

    def _get_user_permissions(self, user_obj):
        # Never a permission ticked on the account itself: the role is the only source, so
        # that no account holds two administrators' permissions (三员).
        return Permission.objects.none()
