from django.contrib import admin

from alerts.models import AlertSource


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "team", "severity", "enabled", "created_at"]
    list_filter = ["kind", "enabled"]
    prepopulated_fields = {"slug": ["name"]}
