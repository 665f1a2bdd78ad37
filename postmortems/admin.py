from django.contrib import admin

from audit.admin import SoftDeletableInline, SoftDeleteAdminMixin, VersionedAdminMixin
from postmortems.models import ContributingFactor, FactorCategory, FlagDismissal, Review


@admin.register(FactorCategory)
class FactorCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "active"]
    list_editable = ["position", "active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ContributingFactorInline(SoftDeletableInline):
    model = ContributingFactor
    fields = ["description", "category", "depth", "service"]


class FlagDismissalInline(admin.TabularInline):
    model = FlagDismissal
    fields = ["rule", "excerpt", "reason", "dismissed_by", "dismissed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ContributingFactor)
class ContributingFactorAdmin(SoftDeleteAdminMixin, VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "review", "category", "deleted_at"]
    list_select_related = ["review", "category"]
    list_filter = ["category"]
    search_fields = ["description", "review__title"]
    raw_id_fields = ["review", "service", "created_by"]
    filter_horizontal = ["timeline_entries"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "team", "facilitator", "published_at"]
    list_filter = ["status", "team"]
    search_fields = ["title"]
    raw_id_fields = ["incident", "near_miss", "facilitator"]
    filter_horizontal = ["participants"]
    readonly_fields = ["change_counter", "perspectives_revealed_at", "published_at", "search_document"]
    # Perspectives are private to their authors until revealed, so they are not shown here.
    inlines = [ContributingFactorInline, FlagDismissalInline]
