"""The admin's part of the national view: staff select jurisdictions in the admin's list and nudge
them all at once, through the same service (and weekly limit) as the dashboard's buttons.

The jurisdiction's admin belongs to directory/, which knows nothing of nudges: the action is added
to it here, after every app's admin module has registered its models (reports is the last app).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from config.admin import ReadOnlyAdmin
from directory import permissions
from directory.models import Jurisdiction, User
from notifications import nudges
from reports.models import ExportJob, Snapshot
from reports.views.national import forget_national_view


@admin.action(description="Nudge the late owners of the selected jurisdictions")
def nudge_selected(
    modeladmin: admin.ModelAdmin[Jurisdiction], request: HttpRequest, queryset: QuerySet[Jurisdiction]
) -> None:
    user = request.user
    if not isinstance(user, User) or not permissions.can_view_national_dashboard(user):
        modeladmin.message_user(request, "Only association staff nudge jurisdictions.", messages.ERROR)
        return
    sent, refused = [], []
    for jurisdiction in queryset.order_by("name"):
        try:
            nudges.nudge(jurisdiction, by=user)
        except ValidationError as error:
            refused.append(error.messages[0])
        else:
            sent.append(jurisdiction.name)
    if sent:
        forget_national_view()
        modeladmin.message_user(request, f"Nudged {len(sent)}: {', '.join(sent)}.", messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


jurisdictions = admin.site.get_model_admin(Jurisdiction) if admin.site.is_registered(Jurisdiction) else None
if jurisdictions is not None and nudge_selected not in (jurisdictions.actions or []):
    jurisdictions.actions = [*(jurisdictions.actions or []), nudge_selected]

# --- The weekly snapshots ---------------------------------------------------------------------
# Read-only: the snapshot task records each plan's figures once a week, and the trends read them
# as they were.


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["week_starts_on", "plan", "dimension", "items", "done", "cio_late", "cpo_late", "taken_at"]
    list_filter = ["dimension", "plan__jurisdiction"]
    search_fields = ["plan__jurisdiction__name", "=plan__jurisdiction__code", "plan__period"]
    list_select_related = ["plan__jurisdiction", "dimension"]
    date_hierarchy = "week_starts_on"
    show_full_result_count = False


# --- The downloads made in the background ------------------------------------------------------
# Read-only, and without the file: who asked for what, and how it went (a job that failed says why).
# The file itself is its requester's alone (reports/views/jobs.py).


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "jurisdiction", "requested_by", "state", "progress", "size", "expires_at"]
    list_filter = ["kind", "state"]
    search_fields = ["requested_by__email", "requested_by__full_name", "jurisdiction__name", "=jurisdiction__code"]
    list_select_related = ["jurisdiction", "requested_by"]
    exclude = ["file", "token"]
