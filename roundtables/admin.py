"""The Django admin for association staff: the recommendation library, events and what states did.

Staff add the recommendations the seed could not recover (the 2017 paper's missing eleven) on
their publication's page, with their source and confidence. Seeded rows (roundtables/reference.py)
are corrected back by `load_reference`; rows staff add are left alone. Outcome proposals and
adoption records change through the app, where each change is checked and recorded, so the admin
shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from roundtables.models import (
    Adoption,
    AdoptionChange,
    AgendaSession,
    Attendance,
    CaseStudy,
    Milestone,
    Outcome,
    OutcomeProposal,
    Publication,
    Recommendation,
    RecommendationArea,
    Roundtable,
)


class ReadOnly:
    """Visible to staff; changed only through the app's pages and services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


# --- The library ------------------------------------------------------------------------------


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [("number", "position"), "text", ("area", "area_is_inferred"), ("source_url", "confidence")]
    show_change_link = True


class RecommendationAreaInline(admin.TabularInline):
    model = RecommendationArea
    extra = 0
    fields = ["name", "position", "summary"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "published_on", "date_precision", "recovered", "other_authors"]
    list_filter = ["associations", "date_precision"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["associations"]
    inlines = [RecommendationAreaInline, RecommendationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publication]:
        return super().get_queryset(request).annotate(held=Count("recommendations"))

    @admin.display(description="Recommendations held")
    def recovered(self, obj: Publication) -> str:
        held = obj.held  # type: ignore[attr-defined]
        return f"{held} of {obj.expected_recommendations}" if obj.expected_recommendations else str(held)


@admin.register(RecommendationArea)
class RecommendationAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "publication", "position"]
    list_filter = ["publication"]
    search_fields = ["name"]
    list_select_related = ["publication"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "publication", "area", "area_is_inferred", "confidence"]
    list_display_links = ["number", "short_text"]
    list_filter = ["publication", "area", "confidence", "area_is_inferred"]
    search_fields = ["number", "text", "publication__title"]
    list_select_related = ["publication", "area"]
    autocomplete_fields = ["publication"]

    @admin.display(description="Text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "happened_on", "date_precision"]
    list_filter = ["date_precision"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "happened_on"


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "years", "updated_at"]
    list_filter = ["dimensions", "jurisdiction"]
    search_fields = ["title", "summary", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jurisdiction", "recommendations"]
    filter_horizontal = ["dimensions"]


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


class AdoptionChangeInline(ReadOnly, admin.TabularInline):
    model = AdoptionChange
    extra = 0
    fields = ["created_at", "kind", "actor", "status", "summary"]
    readonly_fields = fields


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    """A state records its adoption in the app, and staff verify its evidence there."""

    inlines = [AdoptionChangeInline]

    list_display = ["jurisdiction", "recommendation", "status", "evidence_kind", "verified_at", "updated_at"]
    list_filter = ["status", "evidence_kind", "recommendation__publication", "jurisdiction"]
    search_fields = ["jurisdiction__name", "jurisdiction__code", "recommendation__text", "note"]
    list_select_related = ["jurisdiction", "recommendation"]


@admin.register(AdoptionChange)
class AdoptionChangeAdmin(ReadOnlyAdmin):
    """The history of every adoption record: who set what, who verified it."""

    list_display = ["created_at", "adoption", "kind", "status", "actor"]
    list_filter = ["kind", "status"]
    search_fields = ["adoption__jurisdiction__name", "summary"]
    list_select_related = ["adoption__jurisdiction", "adoption__recommendation", "actor"]
