"""A plan dashboard's counts are links to the items they count (issue 13: they were plain text):
each status to the dimension's list filtered by it, overdue and "at risk or worse" likewise, and
"awaiting your sign-off" to that section of My updates. A zero links nowhere."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from actionplan import services
from actionplan.models import ItemSide, Status
from library.models import Dimension
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_count_lists_what_it_counts(client: Client, reference_data: None) -> None:
    people = factories.idaho_people("cio", "cpo")
    plan = factories.make_plan("ID", starts_on=datetime.date(2025, 7, 1))
    dimension = Dimension.objects.order_by("position").first()
    assert dimension is not None
    late = factories.make_item(plan, side=ItemSide.CIO, cio_owner=people["cio"], due_on=datetime.date(2025, 8, 1))
    services.post_update(late, author=people["cio"], side="cio", status=Status.AT_RISK, progress=5, narrative="Slow")
    joint = factories.make_item(plan, side=ItemSide.JOINT, cio_owner=people["cio"], cpo_owner=people["cpo"])
    services.post_update(joint, author=people["cpo"], side="cpo", status=Status.ON_TRACK, progress=90, narrative="Ok")
    services.sign_off(joint, by=people["cpo"], side="cpo")
    client.force_login(people["cio"])

    page = client.get(reverse("actionplan:plan", args=[plan.pk])).content.decode()
    listed = reverse("actionplan:dimension", args=[plan.pk, dimension.slug])
    assert f'href="{listed}?status=at_risk"' in page
    assert f'href="{listed}?due=overdue">1 overdue</a>' in page
    assert f'href="{listed}?status=at_risk&amp;status=off_track&amp;status=blocked">1 at risk or worse</a>' in page
    assert f'href="{reverse("notifications:my_updates")}#owed-sign_off">1 awaiting your sign-off</a>' in page

    overdue = client.get(f"{listed}?due=overdue").context["items"]
    assert [item.pk for item in overdue] == [late.pk]


def test_a_zero_is_not_a_link(client: Client, reference_data: None) -> None:
    people = factories.idaho_people("cio")
    plan = factories.make_plan("ID")
    factories.make_item(plan, side=ItemSide.CIO, cio_owner=people["cio"])
    client.force_login(people["cio"])
    page = client.get(reverse("actionplan:plan", args=[plan.pk])).content.decode()
    assert "0 overdue · 0 at risk or worse · 0 awaiting your sign-off" in page
