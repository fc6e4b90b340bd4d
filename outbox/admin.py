from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read-only here: staff resend from the delivery log, which keeps the status machine honest."""

    list_display = ["created_at", "kind", "to_address", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to_address", "dedupe_key", "subject"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
