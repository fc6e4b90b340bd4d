"""The Django admin for association staff: people, jurisdictions and roles.

Staff read every account and record who holds which role; accounts themselves and staff
memberships (which open this admin) are the site administrators' (directory/permissions.py,
STAFF_ADMIN_PERMISSIONS). What `load_reference` last wrote is shown read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from config.admin import ReadOnlyAdmin
from directory import audit, mfa
from directory.models import (
    SAML,
    Association,
    IdentityProvider,
    Invitation,
    Jurisdiction,
    Membership,
    MembershipQuerySet,
    SeededRow,
    SignInEvent,
    StaffMembership,
    User,
)


class CurrentFilter(admin.SimpleListFilter):
    """Roles held today, or ended: the rule of MembershipQuerySet.active, as a filter."""

    title = "held today"
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Held today"), ("no", "Not held today")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not isinstance(queryset, MembershipQuerySet):
            return queryset
        if self.value() == "yes":
            return queryset.active()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.active().values("pk"))
        return queryset


def record_role_change(
    request: HttpRequest, role: Membership | StaffMembership, *, is_new: bool, changed: list[str]
) -> None:
    """The sign-in audit's role_granted and role_ended, for a role the admin just saved: a new
    role is granted; a role given an end date has ended (and one whose end date is taken away is
    granted again)."""
    if is_new:
        audit.record_role(SignInEvent.Kind.ROLE_GRANTED, role, request=request)
    elif "ended_on" in changed:
        kind = SignInEvent.Kind.ROLE_ENDED if role.ended_on else SignInEvent.Kind.ROLE_GRANTED
        audit.record_role(kind, role, request=request)


def record_role_removed(request: HttpRequest, role: Membership | StaffMembership) -> None:
    audit.record_role(SignInEvent.Kind.ROLE_ENDED, role, request=request, removed=True)


class RecordsRoleChanges(admin.ModelAdmin):
    """The admin of a role, which audits each role it grants, ends or removes."""

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_role_change(request, obj, is_new=not change, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_role_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for role in queryset.select_related("user"):
            record_role_removed(request, role)
        super().delete_queryset(request, queryset)


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
    list_display = ["email", "full_name", "title", "tz", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "staff_memberships__association"]
    search_fields = ["email", "full_name"]
    date_hierarchy = "date_joined"
    inlines = [MembershipInline, StaffMembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "title", "tz"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Two-factor authentication", {"fields": ["second_factors"]}),
    ]
    readonly_fields = ["second_factors"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "tz", "password1", "password2"]})]

    @admin.display(description="Second factors")
    def second_factors(self, user: User) -> str:
        """What the person has set up, and where staff reset it when they lost it (a page of its
        own, which asks to confirm, checks who may, and audits the reset)."""
        factors = mfa.factors_of(user)
        if not factors:
            return "None set up"
        url = reverse("directory:reset_mfa", kwargs={"pk": user.pk})
        return format_html('{} (<a href="{}">reset if they lost them</a>)', ", ".join(factors), url)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        """Roles granted or ended on a person's page are audited like those on the roles' own pages."""
        super().save_formset(request, form, formset, change)
        if formset.model in (Membership, StaffMembership):
            for role in formset.new_objects:
                record_role_change(request, role, is_new=True, changed=[])
            for role, changed in formset.changed_objects:
                record_role_change(request, role, is_new=False, changed=changed)
            for role in formset.deleted_objects:
                record_role_removed(request, role)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "tz", "fiscal_year_start_month"]
    list_filter = ["kind", "fiscal_year_start_month"]
    search_fields = ["code", "name"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "members_are", "website"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(RecordsRoleChanges):
    """Turnover is history: a role that ends gets an end date, and its row stays."""

    list_display = ["user", "jurisdiction", "role", "started_on", "ended_on"]
    list_filter = [CurrentFilter, "role", "jurisdiction"]
    search_fields = ["user__email", "user__full_name", "jurisdiction__name", "=jurisdiction__code"]
    autocomplete_fields = ["user", "jurisdiction"]
    list_select_related = ["user", "jurisdiction"]
    date_hierarchy = "started_on"


@admin.register(StaffMembership)
class StaffMembershipAdmin(RecordsRoleChanges):
    """A staff membership opens the admin for as long as it lasts (directory/admin_access.py)."""

    list_display = ["user", "association", "title", "started_on", "ended_on"]
    list_filter = [CurrentFilter, "association"]
    search_fields = ["user__email", "user__full_name", "title"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "association"]


@admin.register(SeededRow)
class SeededRowAdmin(ReadOnlyAdmin):
    """What `load_reference` last wrote into each reference row (directory/reference.py)."""

    list_display = ["__str__", "content_type", "object_id", "written_at"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]
    date_hierarchy = "written_at"


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    """The sign-in audit (directory/audit.py), append-only: staff also read it, filtered, on the
    site's own sign-in events page."""

    list_display = ["created_at", "kind", "user", "email", "actor", "ip_address", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["email", "user__email", "user__full_name", "ip_address"]
    list_select_related = ["user", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations, read here; sent, resent and revoked on each jurisdiction's people page, where
    who may do so is checked and the audit written. The link's token is never stored, only its hash."""

    list_display = [
        "email",
        "jurisdiction",
        "role",
        "starts_on",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "jurisdiction"]
    search_fields = ["email", "jurisdiction__name", "invited_by__email"]
    list_select_related = ["jurisdiction", "invited_by"]
    exclude = ["token_hash"]
    date_hierarchy = "created_at"


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """A state's identity provider for single sign-on: whose it is, the address domains it signs
    in, and whether password sign-in is refused for them. Its protocol settings (OpenID Connect:
    client id, secret, {"server_url": ...}; SAML: the IdP's entity ID, SSO URL and certificate)
    are a Social application, chosen here; for SAML it shows the addresses to give the IdP."""

    list_display = ["jurisdiction", "app", "email_domains", "require_sso"]
    list_filter = ["require_sso"]
    search_fields = ["jurisdiction__name", "email_domains"]
    list_select_related = ["jurisdiction", "app"]
    readonly_fields = ["saml_addresses"]

    @admin.display(description="addresses for a SAML provider")
    def saml_addresses(self, provider: IdentityProvider) -> str:
        """What the state's identity team types into their IdP for us: our metadata (whose address
        is also our entity ID, the audience of their assertions) and where they post answers."""
        if provider.pk is None or provider.app.provider != SAML:
            return "Shown here once a SAML provider is saved."
        site, slug = settings.SITE_URL, provider.app.client_id
        return format_html(
            "Service provider metadata and entity ID: {}<br>Assertion consumer service (HTTP-POST): {}",
            site + reverse("saml_metadata", args=[slug]),
            site + reverse("saml_acs", args=[slug]),
        )
