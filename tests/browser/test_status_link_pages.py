"""A one-click status link from a reminder in a real browser, by keyboard alone and signed out: the
confirm page, the page after confirming and the page of a used link have no accessibility or HTML
errors. One journey, to keep the browser suite short."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import ItemSide, Status, Update, Via
from directory.models import Membership
from notifications import mail_tokens
from tests import factories
from tests.browser.helpers import CheckPage


def test_a_status_link_is_confirmed_by_keyboard_and_its_pages_have_no_errors(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    item = factories.make_item(
        factories.make_plan("ID"), side=ItemSide.CIO, cio_owner=cio, title="Records retention schedule"
    )
    _, token = mail_tokens.issue_status_link(cio, item)
    address = f"{live_server.url}/s/{token}/at_risk/"

    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark “Records retention schedule” as At risk?")
    check_page(page)

    # From the top of the page: Tab until the sentence field has the focus, type, Tab to Confirm, Enter.
    field = page.get_by_label("In a sentence, what happened (optional)")
    for _ in range(40):
        page.keyboard.press("Tab")
        if field.evaluate("element => element === document.activeElement"):
            break
    expect(field).to_be_focused()
    page.keyboard.type("Vendor demo slipped a week.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Confirm")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Posted: At risk")
    check_page(page)
    update = Update.objects.get(item=item)
    assert (update.status, update.narrative, update.via, update.author) == (
        Status.AT_RISK,
        "Vendor demo slipped a week.",
        Via.LINK,
        cio,
    )

    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link was already used")
    expect(page.get_by_role("link", name="Sign in to post an update")).to_be_visible()
    check_page(page)
