from django.contrib import admin, messages

from audit.models import AuditEvent


class DeletedFilter(admin.SimpleListFilter):
    """Present rows by default; deleted ones (to restore) on request."""

    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", "Deleted"), ("all", "All")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Present",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(deleted_at__isnull=True)


class SoftDeleteAdminMixin:
    """For models built on ``audit.models.SoftDeletable``: nothing is removed for good from the admin.

    "Delete" marks rows as deleted (with who and when); admins restore them with the "Restore" action
    after choosing "Deleted" in the filter.
    """

    def get_queryset(self, request):
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), DeletedFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "deleted_at", "deleted_by"]

    def has_delete_permission(self, request, obj=None):
        # Hard delete (and its cascade) is not offered; see the actions below.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if self.has_change_permission(request):
            for name in ("soft_delete_selected", "restore_selected"):
                func = getattr(type(self), name)
                actions[name] = (func, name, func.short_description)
        return actions

    @staticmethod
    def _each(request, rows, change: str) -> int:
        """Soft-delete or restore each row, one by one so each is recorded as this person's change."""
        for obj in rows:
            getattr(obj, change)(by=request.user)
        return len(rows)

    def soft_delete_selected(self, request, queryset):
        count = self._each(request, list(queryset.filter(deleted_at__isnull=True)), "soft_delete")
        self.message_user(request, f"Deleted {count} (they can be restored).", messages.SUCCESS)

    soft_delete_selected.short_description = "Delete selected (can be restored)"

    def restore_selected(self, request, queryset):
        if not request.user.is_org_admin:
            self.message_user(request, "Only admins restore deleted records.", messages.ERROR)
            return
        count = self._each(request, list(queryset.filter(deleted_at__isnull=False)), "restore")
        self.message_user(request, f"Restored {count}.", messages.SUCCESS)

    restore_selected.short_description = "Restore selected"


class VersionedAdminMixin:
    """For models built on ``audit.models.Versioned``: the version is shown, never typed; every save raises it."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "version"]


class SoftDeletableInline(admin.TabularInline):
    """Rows of a ``SoftDeletable`` model inside their parent's page: no hard delete here either; people
    delete them (restorably) from the app's own page."""

    extra = 0
    can_delete = False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the tracker and never edited by hand."""

    # No filter or search by person: this is edit history, not a tally of anyone's changes.
    list_display = ["at", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
