"""The Django admin for association staff: plans, their history, and each state's adoption records.

The activity log and updates are read-only for everyone, superusers included (the database
refuses changes to them as well). Items and adoption records change through the app, where each
change is checked and recorded, so the admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from actionplan.models import Activity, Adoption, AdoptionChange, Item, Plan, Update
from config.admin import ReadOnly, ReadOnlyAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "period", "starts_on", "ends_on", "sharing"]
    list_filter = ["period", "sharing"]
    search_fields = ["jurisdiction__name", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["sharing", "sharing_requested", "sharing_requested_by", "sharing_requested_side", "framework"]

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items change through the app, where every change is logged; the admin shows them."""

    list_display = ["title", "plan", "dimension", "side", "status", "progress", "due_on"]
    list_filter = ["status", "side", "dimension", "plan__jurisdiction"]
    search_fields = ["title"]
    list_select_related = ["plan__jurisdiction", "dimension"]


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["item", "side", "status", "progress", "author", "created_at"]
    list_filter = ["side", "status"]
    list_select_related = ["item", "author"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "actor", "verb", "item", "field", "old_value", "new_value"]
    list_filter = ["verb"]
    list_select_related = ["plan__jurisdiction", "actor", "item"]


class AdoptionChangeInline(ReadOnly, admin.TabularInline):
    model = AdoptionChange
    extra = 0
    # A tuple, which the type of both attributes accepts (a list of str is not a list of field groups).
    fields = ("created_at", "kind", "actor", "status", "summary")
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
