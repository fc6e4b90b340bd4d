"""The Django admin for association staff: plans, their history, and each state's adoption records.

The activity log and updates are read-only for everyone, superusers included (the database
refuses changes to them as well). Items, sign-offs, comments, evidence and adoption records change
through the app, where each change is checked and recorded, so the admin shows them read-only.
Staff export the items they select as a CSV (actionplan/exports.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from actionplan import exports
from actionplan.models import Activity, Adoption, AdoptionChange, Attachment, Comment, Item, Plan, SignOff, Update
from config.admin import ReadOnly, ReadOnlyAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "period", "starts_on", "ends_on", "sharing", "created_at"]
    list_filter = ["period", "sharing", "jurisdiction__kind"]
    search_fields = ["jurisdiction__name", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["sharing", "sharing_requested", "sharing_requested_by", "sharing_requested_side", "framework"]

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items change through the app, where every change is logged; the admin shows them, and
    exports the ones staff select."""

    list_display = [
        "title",
        "plan",
        "dimension",
        "side",
        "status",
        "progress",
        "due_on",
        "cio_owner",
        "cpo_owner",
        "last_update_at",
    ]
    list_filter = [
        "status",
        "side",
        "dimension",
        "origin",
        ("archived_at", admin.EmptyFieldListFilter),
        "plan__jurisdiction",
    ]
    search_fields = ["title", "plan__jurisdiction__name", "=plan__jurisdiction__code"]
    list_select_related = ["plan__jurisdiction", "dimension", "cio_owner", "cpo_owner"]
    date_hierarchy = "due_on"
    actions = ["export_csv"]

    @admin.action(description="Export selected items as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Item]) -> HttpResponse:
        items = queryset.select_related(*self.list_select_related).order_by(
            "plan__jurisdiction__name", "plan__period", "dimension__position", "due_on", "pk"
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"items-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # A byte-order mark, so that Excel reads the file as UTF-8 (names with accents).
        response.write("\ufeff")
        exports.write_items_csv(items, response)
        return response


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["item", "side", "status", "progress", "author", "created_at"]
    list_filter = ["side", "status", "item__plan__jurisdiction"]
    search_fields = ["item__title", "narrative", "author__email", "author__full_name"]
    list_select_related = ["item", "author"]
    date_hierarchy = "created_at"
    # Hundreds of thousands of rows at national scale: count only what a filter leaves.
    show_full_result_count = False


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    """A signature is given and withdrawn in the app, on the item's page."""

    list_display = ["item", "side", "signed_by", "signed_at", "withdrawn_at", "withdrawn_reason"]
    list_filter = ["side", ("withdrawn_at", admin.EmptyFieldListFilter), "item__plan__jurisdiction"]
    search_fields = ["item__title", "signed_by__email", "signed_by__full_name"]
    list_select_related = ["item", "signed_by"]
    date_hierarchy = "signed_at"


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["item", "author", "excerpt", "created_at"]
    list_filter = ["item__plan__jurisdiction"]
    search_fields = ["body", "item__title", "author__email", "author__full_name"]
    list_select_related = ["item", "author"]
    date_hierarchy = "created_at"

    @admin.display(description="Comment")
    def excerpt(self, obj: Comment) -> str:
        return obj.body if len(obj.body) <= 90 else obj.body[:89] + "…"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Evidence files are read through the app's download, which checks who asks and always
    downloads; the stored path is never shown."""

    list_display = ["original_name", "item", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type", "item__plan__jurisdiction"]
    search_fields = ["original_name", "item__title"]
    list_select_related = ["item", "uploaded_by"]
    date_hierarchy = "created_at"
    fields = ("item", "original_name", "content_type", "size", "uploaded_by", "created_at", "download")
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">Download</a>', reverse("actionplan:attachment", args=[obj.pk]))


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "actor", "verb", "item", "field", "old_value", "new_value"]
    list_filter = ["verb", "plan__jurisdiction"]
    search_fields = ["item__title", "actor__email", "actor__full_name"]
    list_select_related = ["plan__jurisdiction", "actor", "item"]
    date_hierarchy = "created_at"
    show_full_result_count = False


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
    list_select_related = ["jurisdiction", "recommendation__publication"]
    date_hierarchy = "updated_at"


@admin.register(AdoptionChange)
class AdoptionChangeAdmin(ReadOnlyAdmin):
    """The history of every adoption record: who set what, who verified it."""

    list_display = ["created_at", "adoption", "kind", "status", "actor"]
    list_filter = ["kind", "status"]
    search_fields = ["adoption__jurisdiction__name", "summary"]
    list_select_related = ["adoption__jurisdiction", "adoption__recommendation__publication", "actor"]
    date_hierarchy = "created_at"
