from .policy import can_manage_reminders, can_use_admin, can_view_bureau, membership_of, role_of


def membership(request):
    user = request.user
    return {
        "membership": membership_of(user),
        "user_role": role_of(user),
        "can_view_bureau": can_view_bureau(user),
        "can_use_admin": can_use_admin(user),
        "can_manage_reminders": can_manage_reminders(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count()
        if user.is_authenticated
        else 0,
    }
