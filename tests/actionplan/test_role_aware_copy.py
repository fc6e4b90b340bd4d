"""Someone who may read but not change a plan is told so, and whom to ask, wherever the controls
they lack would be; the people who act for an office never see that note."""

from __future__ import annotations

import pytest
from django.test import Client

from actionplan.models import Plan
from directory.models import User

pytestmark = pytest.mark.django_db


def _pages(plan: Plan) -> dict[str, str]:
    item = plan.items.order_by("pk").first()
    assert item is not None
    return {
        "home": "/",
        "dashboard": f"/plans/{plan.pk}/",
        "items": f"/plans/{plan.pk}/items/",
        "item": f"/items/{item.pk}/",
        "my updates": "/my-updates/",
        "preferences": "/email/preferences/",
    }


READER_NOTES = {
    "home": "You can read Idaho's plan; its CIO, CPO and their delegates change it.",
    "dashboard": "You can read this plan.",
    "items": "You can read these items;",
    "item": "You can read this item. To change it, post an update or sign it off, ask",
    "my updates": "but nothing in it is assigned to you",
    "preferences": "You read your state's plan and own no items in it",
}


def test_a_viewer_is_told_on_each_page_that_they_read_and_whom_to_ask(
    client: Client, idaho: dict[str, User], plan: Plan
) -> None:
    client.force_login(idaho["viewer"])
    for name, path in _pages(plan).items():
        page = client.get(path).content.decode().replace("&#x27;", "'")
        assert READER_NOTES[name] in page, name
    assert "Your counterpart" not in client.get("/").content.decode()


@pytest.mark.parametrize("role", ["cio", "cpo", "cio_delegate"])
def test_those_who_act_for_an_office_get_no_reader_note(
    client: Client, idaho: dict[str, User], plan: Plan, role: str
) -> None:
    client.force_login(idaho[role])
    for name, path in _pages(plan).items():
        page = client.get(path).content.decode().replace("&#x27;", "'")
        assert READER_NOTES[name] not in page, name
