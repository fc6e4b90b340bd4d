"""Filtering the sign-in events page (django-filter): a GET form that works without JavaScript."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.models import Jurisdiction, Membership, SignInEvent


class DateInput(forms.DateInput):
    input_type = "date"


class SignInEventFilter(django_filters.FilterSet):
    """Staff's filters over the sign-in audit. Days are the viewer's own (the time zone the page
    shows times in); jurisdiction choices come from the list the view loaded, so the form costs no
    query of its own."""

    kind = django_filters.ChoiceFilter(choices=SignInEvent.Kind.choices, empty_label="Any event", label="Event")
    email = django_filters.CharFilter(method="by_email", label="Email address contains")
    jurisdiction = django_filters.ChoiceFilter(
        method="by_jurisdiction", choices=(), empty_label="Anywhere", label="Person with a role in"
    )
    since = django_filters.DateFilter(method="by_since", label="From (day)", widget=DateInput)
    until = django_filters.DateFilter(method="by_until", label="To (day, included)", widget=DateInput)
    ip = django_filters.CharFilter(
        field_name="ip_address", lookup_expr="startswith", label="Client address starts with", max_length=45
    )

    class Meta:
        model = SignInEvent
        fields: list[str] = []

    def __init__(self, *args: Any, jurisdictions: Sequence[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["jurisdiction"].extra["choices"] = [(j.code, j.name) for j in jurisdictions]

    def by_email(self, queryset: QuerySet[SignInEvent], name: str, value: str) -> QuerySet[SignInEvent]:
        # The address as typed, or the account's address today (should it have changed since).
        value = value.strip()
        return queryset.filter(Q(email__icontains=value) | Q(user__email__icontains=value))

    def by_jurisdiction(self, queryset: QuerySet[SignInEvent], name: str, value: str) -> QuerySet[SignInEvent]:
        # Anyone who holds or held a role there: the audit is history, and so are ended roles.
        people = Membership.objects.filter(jurisdiction__code=value).values("user_id")
        return queryset.filter(user_id__in=people)

    def by_since(self, queryset: QuerySet[SignInEvent], name: str, value: datetime.date) -> QuerySet[SignInEvent]:
        return queryset.filter(created_at__gte=start_of(value))

    def by_until(self, queryset: QuerySet[SignInEvent], name: str, value: datetime.date) -> QuerySet[SignInEvent]:
        return queryset.filter(created_at__lt=start_of(value + datetime.timedelta(days=1)))


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day in the viewer's time zone (the one the page is shown in)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
