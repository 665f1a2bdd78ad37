from django.contrib import admin

from actions.models import (
    ActionItem,
    Delivery,
    FixObligation,
    ForgeDelivery,
    ForgeSecret,
    Notification,
    NotificationPreference,
    RecurrenceFlag,
    SentReminder,
    TeamChatHook,
)
from audit.admin import SoftDeleteAdminMixin, VersionedAdminMixin


@admin.register(ActionItem)
class ActionItemAdmin(SoftDeleteAdminMixin, VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "team", "owner", "due_on", "incident"]
    list_filter = ["status", "kind", "priority", "team"]
    search_fields = ["title", "incident__title"]
    raw_id_fields = ["incident", "review", "owner", "created_by"]
    filter_horizontal = ["addresses"]
    readonly_fields = ["next_reminder_at", "completed_at", "created_at", "updated_at"]


@admin.register(FixObligation)
class FixObligationAdmin(admin.ModelAdmin):
    list_display = ["incident", "state", "deadline", "met_at", "landed_at", "first_breached_at", "next_check_at"]
    list_filter = ["state"]
    search_fields = ["incident__title"]
    raw_id_fields = ["incident", "met_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "sent_at"]
    search_fields = ["key"]
    raw_id_fields = ["obligation", "action_item", "recipient"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "incident"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["channel", "address", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["channel", "state"]
    raw_id_fields = ["notification", "recipient", "team"]
    readonly_fields = ["last_error"]


admin.site.register(NotificationPreference)
admin.site.register(TeamChatHook)


@admin.register(ForgeSecret)
class ForgeSecretAdmin(admin.ModelAdmin):
    list_display = ["forge", "organisation", "updated_at"]
    list_filter = ["forge"]
    search_fields = ["organisation"]


@admin.register(ForgeDelivery)
class ForgeDeliveryAdmin(admin.ModelAdmin):
    list_display = ["forge", "organisation", "delivery_id", "outcome", "received_at"]
    list_filter = ["forge"]
    search_fields = ["delivery_id", "organisation"]
    raw_id_fields = ["landed"]


@admin.register(RecurrenceFlag)
class RecurrenceFlagAdmin(admin.ModelAdmin):
    list_display = ["fix", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    raw_id_fields = ["fix", "earlier_factor", "later_factor", "decided_by"]
