"""The base's records in the admin: memberships (administrators), the event log and the outbox
(read-only: what happened), each cut to what the user may see."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import policy, workflow
from .models import Event, EventComment, Membership, Notification, OutboxMessage, ServiceStation, Unit


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
