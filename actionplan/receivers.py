"""What the action plan adds to the pages of the library below it (library/hooks.py): where states
stand on each recommendation, with the adoption filter of the recommendation library, and the plan
items that learn from a case study. Registered once by ActionplanConfig.ready().

The library shows other states only as counts: a state's member sees and filters by their own
state's status; association staff see and filter by whether any state adopted a recommendation.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from actionplan import adoption
from actionplan.models import Adoption, Item
from directory import permissions
from library import hooks
from library.models import Recommendation

# The adoption filter's values besides the statuses.
NOT_RECORDED = "none"
ADOPTED_SOMEWHERE, ADOPTED_NOWHERE = "adopted", "nowhere"


def _adoption_filter(view: adoption.AdoptionView) -> django_filters.ChoiceFilter | None:
    """The library's adoption filter for this viewer: by their own state's status, or for staff by
    whether any state adopted it; none for someone with neither. It filters on the annotations of
    adoption.with_adoption(), which the list's query carries."""
    if view.jurisdiction is not None:

        def by_own_status(queryset: QuerySet[Recommendation], name: str, value: str) -> QuerySet[Recommendation]:
            # Q() rather than keywords: these are annotations of with_adoption(), not fields.
            if value == NOT_RECORDED:
                return queryset.filter(Q(own_status__isnull=True))
            return queryset.filter(Q(own_status=value))

        return django_filters.ChoiceFilter(
            field_name="adoption",
            method=by_own_status,
            label=f"{view.jurisdiction.name}'s adoption",
            empty_label="Any status",
            choices=[*Adoption.Status.choices, (NOT_RECORDED, "Not recorded yet")],
        )
    if view.national:

        def by_any_state(queryset: QuerySet[Recommendation], name: str, value: str) -> QuerySet[Recommendation]:
            if value == ADOPTED_SOMEWHERE:
                return queryset.filter(Q(adopted_in__gt=0))
            return queryset.filter(Q(adopted_in=0))

        return django_filters.ChoiceFilter(
            field_name="adoption",
            method=by_any_state,
            label="Adoption across the states",
            empty_label="Adopted or not",
            choices=[(ADOPTED_SOMEWHERE, "Adopted by at least one state"), (ADOPTED_NOWHERE, "Adopted by none")],
        )
    return None


def add_adoption_to_list(parts: hooks.RecommendationList) -> None:
    """Each recommendation's national count and the viewer's own state's status, in the list's one
    query; the adoption filter; and the link to the viewer's state's record."""
    view = adoption.adoption_view_for(parts.request.user)
    parts.queryset = adoption.with_adoption(parts.queryset, view)
    adoption_filter = _adoption_filter(view)
    if adoption_filter is not None:
        parts.filters["adoption"] = adoption_filter
    parts.context["adoption_view"] = view
    if view.jurisdiction is not None:
        parts.context["adoption_url"] = reverse("actionplan:adoption", args=[view.jurisdiction.code])


def add_adoption_to_recommendation(parts: hooks.RecommendationPage) -> None:
    """How many jurisdictions stand where on the recommendation (counts only, never which), and
    for a state's member their own state's record of it (status, evidence, last change) with, for
    those who record it, the way to the form, which brings them back here once saved."""
    view = adoption.adoption_view_for(parts.request.user)
    parts.context |= {"adoption_view": view, "national": adoption.national_counts(parts.recommendation)}
    if view.jurisdiction is None:
        return
    jurisdiction, recommendation = view.jurisdiction, parts.recommendation
    own = adoption.own_adoption(jurisdiction, recommendation)
    can_record = permissions.can_edit_adoption(parts.request.user, jurisdiction)
    form_url = reverse("actionplan:adoption_edit", args=[jurisdiction.code, recommendation.pk])
    # Back to this page's panel, which then shows what was saved (a redirect without a fragment
    # would keep the form's #record, which this page does not have).
    back = reverse("library:recommendation", args=[recommendation.pk]) + "#own-adoption"
    parts.context |= {
        "own_adoption": own,
        "own_status": own.status if own is not None else adoption.NOT_RECORDED,
        "own_url": reverse("actionplan:adoption", args=[jurisdiction.code]),
        "own_record_url": form_url,
        # Straight to the form, and back to this page after saving.
        "record_url": f"{form_url}?{urlencode({'next': back})}#record" if can_record else None,
        "who_records": "" if can_record else adoption.WHO_RECORDS.format(place=jurisdiction.name),
    }


def add_citing_items_to_case_study(parts: hooks.CaseStudyPage) -> None:
    """The current plan items the viewer may read that learn from the case study."""
    parts.context["items"] = list(
        Item.objects.visible_to(parts.request.user)
        .current()
        .filter(case_studies=parts.study)
        .select_related("plan__jurisdiction")
        .order_by("plan__jurisdiction__name", "title")
    )


def register() -> None:
    """Answer the library's hooks; called by ActionplanConfig.ready()."""
    hooks.recommendation_list.register(add_adoption_to_list)
    hooks.recommendation_page.register(add_adoption_to_recommendation)
    hooks.case_study_page.register(add_citing_items_to_case_study)
