from django.contrib import admin

from notifications.models import OutgoingEmail, Preference


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read-only here: staff resend from the delivery log, which keeps the status machine honest."""

    list_display = ["created_at", "kind", "to_address", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to_address", "dedupe_key", "subject"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_weekday", "digest_hour", "next_digest_at"]
    list_select_related = ["user"]
    readonly_fields = ["next_digest_at"]
