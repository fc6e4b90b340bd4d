"""What the authorization matrices share: the personas, how a response is judged, and the URL
names of a namespace (so that a URL without a row fails its app's coverage test); and a check
that a model's admin pages open."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.contrib import admin, messages
from django.contrib.messages import get_messages
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import RegexPattern

# The column order of every expectation string in the matrices: A is the state under test, B another state.
PERSONAS = ["anonymous", "cio_A", "cpo_A", "cio_delegate_A", "viewer_A", "cio_B", "staff", "superuser"]
OUTCOMES = {"200", "400", "403", "404", "410", "login", "admin", "done", "public"}


def url_names(namespace: str) -> set[str]:
    """Every URL name in a namespace, as the running urlconf has them."""
    _, resolver = get_resolver().namespace_dict[namespace]

    def names(patterns: list[URLPattern | URLResolver]) -> set[str]:
        found: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace is None:
                found |= names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add(pattern.name)
        return found

    return names(resolver.url_patterns)


# What every_path() fills a URL's arguments with: values that name nothing in the database.
MISSING_ID = 999_999
MISSING_TEXT = "no-such-thing"
MISSING_WORD = "nosuchthing"
MISSING_UUID = "00000000-0000-0000-0000-000000000000"


def every_path() -> dict[str, str]:
    """Every named URL of the site but the admin's (which has its own sign-in), by
    "namespace:name", with arguments that name nothing that exists: whatever a URL answers to
    them, it answers before it could know whether the object is there."""

    def sample(converter: object) -> object:
        if isinstance(converter, IntConverter):
            return MISSING_ID
        if isinstance(converter, SlugConverter):
            return MISSING_TEXT
        if isinstance(converter, UUIDConverter):
            return MISSING_UUID
        return MISSING_TEXT.upper()

    def walk(
        patterns: list[URLPattern | URLResolver], namespace: str | None, outer: dict[str, object] | None = None
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        for pattern in patterns:
            # An include's own arguments (django-allauth's "keys/<int:pk>/" around its passkey pages).
            converters = getattr(pattern.pattern, "converters", {})
            kwargs = (outer or {}) | {key: sample(c) for key, c in converters.items()}
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    found |= walk(pattern.url_patterns, pattern.namespace or namespace, kwargs)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if isinstance(pattern.pattern, RegexPattern):  # django-allauth's reset link: letters fit
                    kwargs = {key: MISSING_WORD for key in pattern.pattern.regex.groupindex}
                found[name] = reverse(name, kwargs=kwargs)
        return found

    return walk(get_resolver().url_patterns, None)


def error_messages(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR]


def check(response: HttpResponse, expected: str, path: str) -> None:
    """Judge one cell: "login" (sent to sign in, and back), "admin", "public" (sent to a public
    page instead), "done" (a POST accepted and redirected without an error message), or an exact
    status code."""
    status, location = response.status_code, response.get("Location", "")
    seen = f"got {status}" + (f" to {location}" if location else "")
    if expected == "login":
        where = urlsplit(location)
        assert status == 302 and where.path == "/sign-in/", f"expected a redirect to sign in, {seen}"
        assert parse_qs(where.query).get("next") == [path], f"sign-in should come back to {path}, {seen}"
    elif expected == "admin":
        where = urlsplit(location)
        assert status == 302 and where.path == "/admin/login/", f"expected the admin's sign-in, {seen}"
    elif expected == "public":
        where = urlsplit(location)
        assert status == 302 and where.path.startswith("/public/"), f"expected a public page, {seen}"
    elif expected == "done":
        assert status == 302, f"expected the action to be accepted (302), {seen}"
        assert urlsplit(location).path not in ("/sign-in/", "/admin/login/"), f"expected no sign-in, {seen}"
        errors = error_messages(response)
        assert not errors, f"the action redirected with an error: {errors}"
    else:
        assert status == int(expected), f"expected {expected}, {seen}"


def check_admin_pages(client: Client, model: type[Model]) -> None:
    """A model's admin pages open for a superuser: its list (searched too), a row's page, and the
    add form when the admin allows adding."""
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "procurement"}).status_code == 200
    row = model._default_manager.first()
    if row is not None:
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])).status_code == 200
    if admin.site._registry[model].has_add_permission(client.get("/").wsgi_request):
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
