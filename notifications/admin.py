from django.contrib import admin

from notifications.models import Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_weekday", "digest_hour", "next_digest_at"]
    list_select_related = ["user"]
    readonly_fields = ["next_digest_at"]
