"""Filtering and sorting the item list (django-filter)."""

from __future__ import annotations

import datetime
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from actionplan.models import Item, ItemQuerySet, ItemSide, Status, overdue_q
from actionplan.rules import Freshness
from directory import sides
from directory.models import User

DUE_WINDOWS = [
    ("overdue", "Overdue"),
    ("7", "Due in the next 7 days"),
    ("30", "Due in the next 30 days"),
    ("90", "Due in the next 90 days"),
]
SORTS = [
    ("due_on", "Due date, soonest first"),
    ("-due_on", "Due date, latest first"),
    ("status", "Status"),
    ("-last_update_at", "Most recently updated"),
    ("last_update_at", "Longest without an update"),
    ("title", "Title"),
]
# One office's freshness on the open items it owns ("cpo_late": the CPO side's late items).
FRESHNESS = [
    (f"{office}_{state.value}", f"{sides.Side(office).label}: {state.label.lower()}")
    for office in sides.OFFICES
    for state in Freshness
]
STATUS_ORDER = {
    s: i
    for i, s in enumerate(
        [Status.BLOCKED, Status.OFF_TRACK, Status.AT_RISK, Status.NOT_STARTED, Status.ON_TRACK, Status.DONE]
    )
}


class ItemFilter(django_filters.FilterSet):
    """The filters above every item list: all work without JavaScript, as a GET form."""

    q = django_filters.CharFilter(method="search", label="Search titles and descriptions")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple, label="Status"
    )
    side = django_filters.ChoiceFilter(choices=ItemSide.choices, empty_label="Any side", label="Side")
    # Choices from the members the view has loaded (not a queryset the form would run again).
    owner = django_filters.ChoiceFilter(choices=[], method="by_owner", empty_label="Anyone", label="Owner")
    due = django_filters.ChoiceFilter(choices=DUE_WINDOWS, method="by_due", empty_label="Any time", label="Due")
    freshness = django_filters.ChoiceFilter(
        choices=FRESHNESS, method="by_freshness", empty_label="Any", label="Updates (open items)"
    )
    sort = django_filters.ChoiceFilter(choices=SORTS, method="by_sort", empty_label=None, label="Sort by")

    class Meta:
        model = Item
        fields: list[str] = []

    def __init__(
        self,
        *args: Any,
        owners: list[User],
        today: datetime.date | None = None,
        stale_after_days: int = 30,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filters["owner"].extra["choices"] = [(str(u.pk), str(u)) for u in owners]
        self.today = today or timezone.localdate()
        self.stale_after_days = stale_after_days

    def search(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def by_owner(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        return queryset.filter(Q(cio_owner_id=value) | Q(cpo_owner_id=value))

    def by_due(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        if value == "overdue":
            return queryset.filter(overdue_q(self.today))
        last = self.today + datetime.timedelta(days=int(value))
        return queryset.exclude(status=Status.DONE).filter(due_on__gte=self.today, due_on__lte=last)

    def by_freshness(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        office, state = value.split("_", 1)
        items = cast(ItemQuerySet, queryset)  # the view filters a queryset of Item.objects
        return items.freshness(
            office, Freshness(state), stale_after_days=self.stale_after_days, now=timezone.now(), today=self.today
        )

    def by_sort(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        if value == "last_update_at":
            return queryset.order_by(models_nulls_first("last_update_at"), "id")
        if value == "-last_update_at":
            return queryset.order_by(models_nulls_last("-last_update_at"), "id")
        return queryset.order_by(value, "id")


def models_nulls_first(field: str) -> Any:
    from django.db.models import F

    return F(field).asc(nulls_first=True)


def models_nulls_last(field: str) -> Any:
    from django.db.models import F

    return F(field.lstrip("-")).desc(nulls_last=True)
