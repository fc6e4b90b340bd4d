"""The public pages: the list of public plans, one public plan, and the recommendations' adoption as
states chose to publish it. Anyone reads them, signed in or not; they change nothing.

A plan that is not public (or does not exist) answers 404 here for everyone, its own members and
staff included: a public page shows only what the state published (reports/public.py), and the
plan's own pages are where its readers read the rest.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports import public


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    """Every public plan, with its progress, and a link to its page."""
    return render(request, "reports/public/plans.html", {"plans": public.public_plans()})


@require_safe
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One public plan: its progress overall and by dimension, and its items with each office's
    latest update."""
    shown = public.public_plan(plan_id)
    if shown is None:
        raise Http404("No such public plan")
    return render(request, "reports/public/plan.html", {"public": shown, "plan": shown.plan})


@require_safe
def adoption(request: HttpRequest) -> HttpResponse:
    """Each recommendation, with the status (and evidence link) of every state that published it."""
    return render(request, "reports/public/adoption.html", {"adoption": public.published_adoption()})
