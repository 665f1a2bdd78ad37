from django.contrib import admin

from sso.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "created_at", "last_signed_in_at"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["created_at", "last_signed_in_at"]
