"""The outbox in the Django admin: every email and its delivery state, read-only for everyone (staff
resend from the delivery log, which keeps the status machine honest)."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyAdmin
from outbox.models import InboundEmail, OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "to_address", "subject", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to_address", "dedupe_key", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    """What arrived (replies, bounces, auto-replies) and what reading it came to. The raw bytes
    stay out of the page: they are kept for a second reading, not for display."""

    list_display = ["received_at", "source", "status", "outcome", "size", "message_id"]
    list_filter = ["status", "source"]
    search_fields = ["message_id", "envelope_from", "outcome"]
    exclude = ["raw"]
    date_hierarchy = "received_at"
    show_full_result_count = False
