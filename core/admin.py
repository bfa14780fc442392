"""The base's records in the admin: memberships (administrators), the event log and the outbox
(read-only: what happened), each cut to what the user may see."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from . import policy, workflow
from .models import Event, EventComment, Membership, Notification, OutboxMessage, ServiceStation, Unit
from .roles import Role


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RestrictedAdmin(admin.ModelAdmin):
    """Lists and pages cut by the policy: a user sees what they may see, nothing more."""

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)


@admin.register(Unit)
class UnitAdmin(RestrictedAdmin):
    list_display = ["name", "short_name", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=policy.visible_units(request.user))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "daily_digest"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "unit"]

    # The three administrators (三员): each sees and changes only the memberships of the roles
    # they may grant (core/policy.py can_grant_role), never their own.
    def get_queryset(self, request):
        grantable = [role for role in Role if policy.can_grant_role(request.user, role)]
        return super().get_queryset(request).filter(role__in=grantable)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or policy.can_manage_membership(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or policy.can_manage_membership(request.user, obj)
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [
                (role.value, role.label) for role in Role if policy.can_grant_role(request.user, role)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # On the server, whatever the form offered: the role must be one the actor may grant,
        # to an account the actor may manage.
        if not policy.can_grant_role(request.user, obj.role) or obj.user_id == request.user.pk:
            raise PermissionDenied
        if obj.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class RoleUserAdmin(UserAdmin):
    """Accounts: the system administrator keeps those of the other roles, the security
    administrator the administrators' (core/policy.py can_manage_account). Permissions come from
    the role only: superuser status, groups and single permissions are not set here."""

    readonly_fields = ("is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_staff", "is_active", "membership__role")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or policy.can_manage_account(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or policy.can_manage_account(request.user, obj)
        )

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is not None and not policy.can_manage_account(request.user, target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


if admin.site.is_registered(get_user_model()):
    admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), RoleUserAdmin)


class EventCommentInline(admin.TabularInline):
    model = EventComment
    extra = 0
    can_delete = False
    fields = ["target", "text", "author", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class SubjectKindFilter(admin.RelatedOnlyFieldListFilter):
    """The kinds of object that have events (not every model of every installed app), titled in
    words (the field's own name is "content type")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("kind of object")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, RestrictedAdmin):
    list_display = [
        "created_at",
        "actor_label",
        "type",
        "unit",
        "subject_label",
        "from_state_label",
        "to_state_label",
        "comment",
    ]
    # Only the kinds of object that have events (not every model of every installed app).
    list_filter = ["type", ("content_type", SubjectKindFilter), "unit"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["actor", "unit", "content_type"]
    date_hierarchy = "created_at"
    inlines = [EventCommentInline]

    @admin.display(description=Event._meta.get_field("actor").verbose_name, ordering="actor__username")
    def actor_label(self, event):
        """A person by name (the demo's login names hq_reviewer, hq_approver read as role codes)."""
        return (event.actor.get_full_name() or event.actor.username) if event.actor else "-"

    @admin.display(description=_("Object"))
    def subject_label(self, event):
        return str(event.subject)

    @admin.display(description=Event._meta.get_field("from_state").verbose_name)
    def from_state_label(self, event):
        return workflow.state_label(event.type, event.from_state) or "-"

    @admin.display(description=Event._meta.get_field("to_state").verbose_name)
    def to_state_label(self, event):
        return workflow.state_label(event.type, event.to_state) or "-"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["recipient__username"]
    list_select_related = ["recipient", "event__actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(event__unit__in=policy.visible_units(request.user))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What was sent and what failed: administrators see here every email that could not go out."""

    list_display = ["created_at", "email", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "for_digest"]
    search_fields = ["email", "subject"]
    readonly_fields = ["error"]
