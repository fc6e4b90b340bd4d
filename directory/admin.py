"""The Django admin for association staff: people, jurisdictions and roles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from directory.models import Association, Jurisdiction, Membership, StaffMembership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["jurisdiction"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "title", "tz", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline, StaffMembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "title", "tz"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "tz", "password1", "password2"]})]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "tz", "fiscal_year_start_month"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "members_are"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "role", "started_on", "ended_on"]
    list_filter = ["role", "jurisdiction"]
    search_fields = ["user__email", "user__full_name", "jurisdiction__name"]
    autocomplete_fields = ["user", "jurisdiction"]
    list_select_related = ["user", "jurisdiction"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "association", "title", "started_on", "ended_on"]
    list_filter = ["association"]
    list_select_related = ["user", "association"]
