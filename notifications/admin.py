"""The Django admin for association staff: each person's email preferences, the reminder facts
already told and the nudges staff sent (logs, read-only: the reminder scan writes the facts so that
nothing is said twice, and a nudge is sent through notifications.nudges, at most once a week)."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyAdmin
from notifications.models import AddressBounce, Nudge, Preference, ReminderSent, ReplyAddress, StatusLink


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_weekday", "digest_hour", "next_digest_at"]
    list_filter = ["digest", "digest_weekday", "digest_when_quiet"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["next_digest_at"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "key", "email"]
    search_fields = ["key", "user__email", "user__full_name"]
    list_select_related = ["user", "email"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "jurisdiction", "sent_by", "late_items"]
    list_filter = ["jurisdiction"]
    search_fields = ["jurisdiction__name", "=jurisdiction__code", "sent_by__email", "sent_by__full_name"]
    list_select_related = ["jurisdiction", "sent_by"]
    date_hierarchy = "sent_at"


@admin.register(ReplyAddress)
class ReplyAddressAdmin(ReadOnlyAdmin):
    """The reply addresses reminders carried: whose, about which items, until when (the token itself
    is not stored, only its hash)."""

    list_display = ["created_at", "user", "item_ids", "expires_at", "email"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "email"]
    exclude = ["token_hash"]
    show_full_result_count = False


@admin.register(StatusLink)
class StatusLinkAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "item", "expires_at", "used_at"]
    search_fields = ["user__email", "user__full_name", "item__title"]
    list_select_related = ["user", "item"]
    exclude = ["token_hash"]
    show_full_result_count = False


@admin.register(AddressBounce)
class AddressBounceAdmin(ReadOnlyAdmin):
    """Addresses whose mail bounced for good; staff resolve them from /email/bounces/."""

    list_display = ["bounced_at", "user", "address", "reason", "cleared_at"]
    list_filter = ["cleared_at"]
    search_fields = ["user__email", "user__full_name", "address"]
    list_select_related = ["user"]
