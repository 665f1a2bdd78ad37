from django.contrib import admin

from audit.admin import SoftDeletableInline, SoftDeleteAdminMixin, VersionedAdminMixin
from incidents.models import Incident, IncidentLink, NearMiss, Service, TimelineEntry


class TimelineEntryInline(SoftDeletableInline):
    model = TimelineEntry
    fields = ["occurred_at", "kind", "text", "link"]


class IncidentLinkInline(admin.TabularInline):
    model = IncidentLink
    fk_name = "from_incident"
    extra = 0
    raw_id_fields = ["to_incident"]


@admin.register(Incident)
class IncidentAdmin(SoftDeleteAdminMixin, VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "severity", "status", "team", "impact_started_at", "restricted"]
    list_filter = ["severity", "status", "restricted", "team"]
    search_fields = ["title", "summary"]
    date_hierarchy = "impact_started_at"
    filter_horizontal = ["responders", "involved_teams", "services"]
    raw_id_fields = ["duplicate_of", "facilitator", "created_by"]
    inlines = [TimelineEntryInline, IncidentLinkInline]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(SoftDeleteAdminMixin, VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "incident", "deleted_at"]
    list_select_related = ["incident"]
    search_fields = ["text", "incident__title"]
    raw_id_fields = ["incident", "author"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "team"]
    search_fields = ["name"]


@admin.register(NearMiss)
class NearMissAdmin(admin.ModelAdmin):
    # The reporter is deliberately not editable: an anonymous report must never gain a name.
    list_display = ["__str__", "how_caught", "team", "filed_on", "thanks_count"]
    list_filter = ["how_caught", "team"]
    fields = ["what_almost_happened", "how_caught", "what_could_have_happened", "service", "team", "filed_on"]
    readonly_fields = ["filed_on"]
