"""The Django admin for association staff: events, their agenda, attendance and outcomes.

Outcome proposals change through the app, where accepting one creates a plan item, so the admin
shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyAdmin
from roundtables.models import (
    AgendaSession,
    Attendance,
    Outcome,
    OutcomeProposal,
    Roundtable,
)

# --- Events -----------------------------------------------------------------------------------


class AgendaSessionInline(admin.StackedInline):
    model = AgendaSession
    extra = 0
    fields = [("title", "position"), ("starts_at", "ends_at"), "description", "dimensions"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["jurisdiction", "side", "status", "attendee", "attendee_name", "role"]
    autocomplete_fields = ["jurisdiction", "attendee"]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("title", "position"), "text", ("dimension", "recommendation"), "proposed_at"]
    readonly_fields = ["proposed_at"]
    autocomplete_fields = ["recommendation"]
    show_change_link = True


@admin.register(Roundtable)
class RoundtableAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "date_precision", "place", "part_of"]
    list_filter = ["kind", "hosts", "date_precision"]
    search_fields = ["title", "place", "description"]
    list_select_related = ["part_of"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["hosts", "publications"]
    autocomplete_fields = ["part_of"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    inlines = [AgendaSessionInline, AttendanceInline, OutcomeInline]


@admin.register(AgendaSession)
class AgendaSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "roundtable", "starts_at", "position"]
    list_filter = ["dimensions"]
    search_fields = ["title", "roundtable__title"]
    list_select_related = ["roundtable"]
    autocomplete_fields = ["roundtable"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["roundtable", "jurisdiction", "side", "status", "attendee_display", "role"]
    list_filter = ["status", "side", "roundtable"]
    search_fields = [
        "jurisdiction__name",
        "jurisdiction__code",
        "attendee_name",
        "attendee__email",
        "roundtable__title",
    ]
    list_select_related = ["roundtable", "jurisdiction", "attendee"]
    autocomplete_fields = ["roundtable", "jurisdiction", "attendee"]
    readonly_fields = ["invited_by", "registered_at", "registered_by", "recorded_by", "updated_at"]

    @admin.display(description="Attendee")
    def attendee_display(self, obj: Attendance) -> str:
        return str(obj.attendee) if obj.attendee else obj.attendee_name


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["title", "roundtable", "dimension", "recommendation", "proposed_at"]
    list_filter = ["dimension", "roundtable"]
    search_fields = ["title", "text", "roundtable__title"]
    list_select_related = ["roundtable", "dimension", "recommendation"]
    autocomplete_fields = ["roundtable", "recommendation"]
    readonly_fields = ["proposed_at", "created_by", "created_at"]


# --- What states did (changed through the app) --------------------------------------------------


@admin.register(OutcomeProposal)
class OutcomeProposalAdmin(ReadOnlyAdmin):
    """A state accepts or declines in the app: accepting creates a plan item, which the admin cannot."""

    list_display = ["outcome", "jurisdiction", "status", "decided_at", "item"]
    list_filter = ["status", "jurisdiction"]
    search_fields = ["outcome__title", "jurisdiction__name"]
    list_select_related = ["outcome", "jurisdiction", "item"]
    date_hierarchy = "proposed_at"
