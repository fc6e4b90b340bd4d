"""Filtering and sorting the item list (django-filter)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from actionplan.models import Item, ItemQuerySet, ItemSide, Status, overdue_q
from actionplan.rules import Freshness
from directory import sides
from directory.models import User
from library.models import Dimension

if TYPE_CHECKING:
    from actionplan.models import Plan

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


# What the item list's querystring may hold besides its filters: the page number, which an export
# of every matching item ignores.
NOT_FILTERS = ("page",)


def plan_item_filter(
    plan: Plan, data: QueryDict, *, owners: list[User], dimension: Dimension | None = None
) -> ItemFilter:
    """The item list's filter over a plan's current items (or one dimension's), sorted by due date
    unless the query says otherwise: the page and its exports (reports/exports.py) both use it, so
    a download holds exactly the items the page lists."""
    items = Item.objects.current().filter(plan=plan)
    if dimension is not None:
        items = items.filter(dimension=dimension)
    data = data.copy()
    data.setdefault("sort", "due_on")
    return ItemFilter(
        data, queryset=items.order_by("due_on", "id"), owners=owners, stale_after_days=plan.stale_after_days
    )


def filter_problems(item_filter: ItemFilter) -> list[str]:
    """What is wrong with the query, in words: each name that is no filter, and each filter whose
    value is not one it knows. The page ignores these; an export refuses them rather than
    download something other than what was asked for."""
    known = set(item_filter.filters) | set(NOT_FILTERS)
    data = cast(QueryDict, item_filter.data)
    problems = [f"“{name}” is not a filter of the item list." for name in sorted(set(data) - known)]
    form = item_filter.form
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            values = ", ".join(f"“{v}”" for v in data.getlist(name))
            problems.append(f"{label}: {values} is not allowed ({' '.join(str(e) for e in errors)})")
    return problems


def describe_filters(item_filter: ItemFilter) -> list[str]:
    """The filters applied, in words, one per line ("Status: At risk, Blocked"); call once the
    filter is known valid."""
    form = item_filter.form
    lines = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "sort" or value in (None, "", []):
            continue
        if name == "q":
            lines.append(f"{field.label}: “{value}”")
            continue
        labels = dict(cast(forms.ChoiceField, field).choices)  # type: ignore[arg-type]
        chosen = value if isinstance(value, list) else [value]
        lines.append(f"{field.label}: {', '.join(str(labels.get(v, v)) for v in chosen)}")
    return lines


def describe_sort(item_filter: ItemFilter) -> str:
    """The order the items are listed in, in words ("Due date, soonest first")."""
    return dict(SORTS)[item_filter.form.cleaned_data.get("sort") or "due_on"]
