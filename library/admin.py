"""The Django admin for association staff: the dimensions, the national framework's editions and
the library (publications, recommendations, case studies, milestones).

Staff add the recommendations the seed could not recover (the 2017 paper's missing eleven) on
their publication's page, with their source and confidence, and may correct a seeded row here:
`load_reference` (library/reference.py) creates the seeded rows and corrects only those nobody has
edited since, so an edit made here, and every row staff add, is left as it is. Published
frameworks are read-only: states have adopted them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from config.web import AuthenticatedHttpRequest
from library import services
from library.models import (
    CaseStudy,
    Dimension,
    Framework,
    FrameworkItem,
    Milestone,
    Publication,
    PublicationHeld,
    Recommendation,
    RecommendationArea,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- The dimensions and the national framework --------------------------------------------------


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug"]
    search_fields = ["name"]
    ordering = ["position"]


class FrameworkItemInline(admin.TabularInline):
    model = FrameworkItem
    extra = 0
    fields = ["code", "dimension", "side", "title", "description", "is_proposed_starter", "position"]

    def _editable(self, obj: Framework | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "state", "published_at"]
    list_filter = ["state"]
    search_fields = ["title", "edition"]
    readonly_fields = ["state", "published_at"]
    inlines = [FrameworkItemInline]
    actions = ["publish"]

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)

    @admin.action(description="Publish the selected draft editions", permissions=["change"])
    def publish(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Framework]) -> None:
        for framework in queryset:
            try:
                services.publish_framework(framework, by=request.user)
            except Exception as error:  # noqa: BLE001 - shown to the admin user, one per edition
                self.message_user(request, f"{framework}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{framework} is published.", messages.SUCCESS)


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
    date_hierarchy = "published_on"
    inlines = [RecommendationAreaInline, RecommendationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publication]:
        return super().get_queryset(request).annotate(held=Count("recommendations"))

    @admin.display(description="Recommendations held")
    def recovered(self, obj: WithAnnotations[Publication, PublicationHeld]) -> str:
        held = obj.held
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
        return obj.short_text


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
