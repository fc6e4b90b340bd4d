"""An update posted by replying to a reminder, seen on its item's page in a real browser: the
latest update says "by email", and the page keeps zero axe violations and zero Nu errors."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan.models import ItemSide
from directory.models import Membership
from notifications import mail_tokens, reading
from outbox import inbound
from tests import factories
from tests.browser.helpers import CheckPage, login


def test_an_update_by_email_says_so_on_the_item_page(
    page: Page, live_server: LiveServer, check_page: CheckPage, settings: Settings, tmp_path: Path
) -> None:
    settings.REPLY_DOMAIN = "reply.jointplan.example"
    settings.MEDIA_ROOT = tmp_path
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    item = factories.make_item(factories.make_plan("ID"), side=ItemSide.CIO, cio_owner=cio, title="Records schedule")
    issued = mail_tokens.issue_reply_address(cio, [item])
    assert issued is not None
    raw = f"From: {cio.email}\nTo: {issued[1]}\nMessage-ID: <browser@x>\n\nat risk 40% vendor demo slipped\n"
    reading.read_inbound(inbound.store(raw.encode(), source="file").row.pk)

    login(page, live_server, cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/items/{item.pk}/")
    latest = page.get_by_test_id("latest-cio")
    expect(latest).to_contain_text("vendor demo slipped")
    expect(latest.get_by_test_id("via")).to_have_text("by email")
    check_page(page)
