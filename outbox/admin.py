"""The outbox in the Django admin: every email and its delivery state, read-only for everyone (staff
resend from the delivery log, which keeps the status machine honest)."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyAdmin
from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "to_address", "subject", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to_address", "dedupe_key", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False
