"""The persona tasks of issue 13, done in a real browser on a desktop (1280 px) and a phone (390 px):
the CPO's Monday triage from My updates, a sharing request approved from the other office's inbox,
and a mention answered in place. Every page visited is valid HTML with no WCAG 2.1 A/AA violation
axe can find, none scrolls sideways, and wherever items are listed each keeps its status and due
date in view."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Comment, ItemSide, Sharing, Status
from tests import factories
from tests.browser.helpers import DESKTOP, PHONE, CheckPage, assert_fits, login, open_menu, sign_out
from tests.factories import State

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
MY_UPDATES = "/my-updates/"
# An item listed in My updates: its status tag, and on the line below, its due date.
INBOX_ITEM = "li.jp-inbox__entry:has(.jp-status)"
INBOX_ITEM_CELLS = {"status": ".jp-status", "due date": "p:has-text('due ')"}


@pytest.fixture
def idaho(transactional_db: None) -> State:
    """Idaho's CIO (Dana Whitfield) and CPO (Marcus Oyelaran) and their FY2027 plan, still private
    and with no items: each test adds what its task is about."""
    people = factories.idaho_people("cio", "cpo")
    return State(cio=people["cio"], cpo=people["cpo"], plan=factories.make_plan("ID"))


def checked(page: Page, check_page: CheckPage) -> None:
    """The page as shown is valid and accessible (check_page) and does not scroll sideways."""
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px: {scroll_width} px wide"
    check_page(page)


def open_my_updates(page: Page) -> None:
    """My updates, reached as a person would: from the site's navigation (behind Menu on a phone)."""
    open_menu(page)
    page.get_by_role("link", name="My updates", exact=True).click()
    page.wait_for_url(re.compile(rf"{MY_UPDATES}(#.*)?$"))
    page.wait_for_load_state("load")


def section(page: Page, key: str) -> Locator:
    return page.get_by_test_id(f"section-{key}")


def _soon() -> datetime.date:
    """A due date inside My updates' "due in the next 14 days"."""
    return timezone.localdate() + datetime.timedelta(days=5)


@VIEWPORTS
def test_the_cpo_triages_monday_from_my_updates(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: State, viewport: ViewportSize
) -> None:
    """Inbox → the at-risk item → an update → back to the inbox → the joint item awaiting the CPO's
    signature, confirmed and completed → reopened with a reason."""
    at_risk = idaho.item(ItemSide.CPO, title="Statewide cloud contract renewal")
    services.post_update(
        at_risk, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=30, narrative="Vendor pricing is late."
    )
    charter = idaho.item(ItemSide.JOINT, title="Joint IT procurement charter")
    services.post_update(
        charter, author=idaho.cpo, side="cpo", status=Status.ON_TRACK, progress=90, narrative="Draft agreed."
    )
    services.sign_off(charter, by=idaho.cio, side="cio", note="The CIO's part is in the charter.")
    idaho.item(ItemSide.CPO, title="Vendor risk review template", due_on=_soon())

    page.set_viewport_size(viewport)
    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    open_my_updates(page)
    expect(section(page, "trouble").get_by_test_id("entry-trouble")).to_contain_text("Statewide cloud contract renewal")
    expect(section(page, "sign_off").get_by_test_id("entry-sign_off")).to_contain_text("Joint IT procurement charter")
    expect(section(page, "due_soon").get_by_test_id("entry-due_soon")).to_contain_text("Vendor risk review template")
    assert assert_fits(page, INBOX_ITEM, INBOX_ITEM_CELLS) == 3
    checked(page, check_page)

    # Follow the at-risk item by keyboard: focus its link, Enter.
    section(page, "trouble").get_by_role("link", name="Statewide cloud contract renewal", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/items/{at_risk.pk}/$"))
    expect(page.get_by_test_id("item-status")).to_contain_text("At risk")
    checked(page, check_page)

    form = page.locator("#post-update")
    form.get_by_label("Status").select_option("on_track")
    form.get_by_label("Progress (%)").fill("55")
    form.get_by_label("What happened since the last update").fill("Pricing arrived; the renewal is back on plan.")
    form.get_by_role("button", name="Post update").click()
    expect(page.locator("#item-notice")).to_contain_text("Your update was posted.")
    expect(page.get_by_test_id("item-status")).to_contain_text("On track")
    checked(page, check_page)

    # Back in the inbox the item has left "at risk"; the signature still waits.
    open_my_updates(page)
    expect(section(page, "trouble")).to_contain_text("None of your items is at risk, off track or blocked.")
    expect(page.get_by_text("Statewide cloud contract renewal")).to_have_count(0)
    assert assert_fits(page, INBOX_ITEM, INBOX_ITEM_CELLS) == 2
    checked(page, check_page)

    section(page, "sign_off").get_by_role("link", name="Review and sign off").click()
    page.wait_for_url(re.compile(rf"/items/{charter.pk}/#sign-off$"))
    expect(page.get_by_test_id("signature-cio")).to_contain_text("signed by Dana Whitfield")
    checked(page, check_page)

    page.get_by_role("link", name="Sign off for the CPO side…").click()
    page.wait_for_url(re.compile(rf"/items/{charter.pk}/sign-off/"))
    expect(page.get_by_test_id("sign-off-effect")).to_contain_text("Your signature completes the item")
    expect(page.get_by_test_id("sign-off-no-update")).to_have_count(0)  # this office has posted
    checked(page, check_page)
    # Confirm by keyboard too.
    page.get_by_role("button", name="Sign off and complete the item").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/items/{charter.pk}/(#.*)?$"))
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("item-status")).to_contain_text("Done: both sides signed off")
    checked(page, check_page)

    page.get_by_test_id("reopen").click()
    page.wait_for_url(re.compile(rf"/items/{charter.pk}/reopen/"))
    checked(page, check_page)
    page.get_by_label("Why reopen it?").fill("The CIO's office found a clause the charter misses.")
    # From the reason to the button by Tab, and Enter.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reopen the item")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/items/{charter.pk}/(#.*)?$"))
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("item-status")).to_contain_text("On track")
    expect(page.get_by_test_id("signature-cio")).to_contain_text("not signed yet")
    checked(page, check_page)
    charter.refresh_from_db()
    assert charter.status == Status.ON_TRACK


@VIEWPORTS
def test_the_cio_asks_to_widen_sharing_and_the_cpo_approves_from_my_updates(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: State, viewport: ViewportSize
) -> None:
    plan = idaho.plan
    # Due within two weeks, so My updates lists it (with its status and due date) beside the request.
    idaho.item(ItemSide.JOINT, title="Joint IT procurement charter", due_on=_soon())

    page.set_viewport_size(viewport)
    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/sharing/")
    checked(page, check_page)
    page.get_by_text(Sharing.PEERS.label, exact=True).click()  # the label: USWDS draws the radio on it
    expect(page.get_by_role("radio", name=Sharing.PEERS.label)).to_be_checked()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.get_by_role("status").filter(has_text="asked to agree")).to_be_visible()
    expect(page.get_by_test_id("sharing-pending")).to_have_text(f"Pending: {Sharing.PEERS.label}")
    checked(page, check_page)
    sign_out(page)

    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    open_my_updates(page)
    request = section(page, "requests").get_by_test_id("entry-requests")
    expect(request).to_have_count(1)
    expect(request).to_contain_text("Dana Whitfield asked to widen who can see")
    expect(request).to_contain_text(f"from {Sharing.PRIVATE.label} to {Sharing.PEERS.label}")
    assert assert_fits(page, INBOX_ITEM, INBOX_ITEM_CELLS) == 1
    checked(page, check_page)

    request.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(rf"{MY_UPDATES}#owed-requests$"))
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").filter(has_text="Approved.")).to_contain_text(
        f"Sharing is now: {Sharing.PEERS.label}"
    )
    expect(section(page, "requests").get_by_test_id("entry-requests")).to_have_count(0)
    expect(section(page, "requests")).to_contain_text("The other office has asked nothing of you.")
    checked(page, check_page)
    plan.refresh_from_db()
    assert (plan.sharing, plan.sharing_requested) == (Sharing.PEERS, "")


@VIEWPORTS
def test_the_cpo_answers_a_mention_by_replying_from_my_updates(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: State, viewport: ViewportSize
) -> None:
    item = idaho.item(ItemSide.JOINT, title="Joint IT procurement charter", due_on=_soon())
    handle = services.mention_handle(idaho.cpo, [idaho.cio, idaho.cpo])
    question = services.add_comment(
        item, author=idaho.cio, body=f"Can procurement confirm the approval thresholds, @{handle}?"
    )

    page.set_viewport_size(viewport)
    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    open_my_updates(page)
    entry = section(page, "reply").get_by_test_id("entry-reply")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Dana Whitfield mentioned you")
    expect(entry).to_contain_text("Can procurement confirm the approval thresholds")
    expect(entry.locator("mark.jp-mention--you")).to_have_text(f"@{handle} (you)")
    box = entry.get_by_role("textbox", name="Reply to Dana Whitfield")
    expect(box).to_be_visible()
    assert assert_fits(page, INBOX_ITEM, INBOX_ITEM_CELLS) == 1  # the item itself, due soon
    checked(page, check_page)

    box.fill("Yes: $250,000 for IT, as in the charter draft.")
    entry.get_by_role("button", name="Post reply").click()
    page.wait_for_url(re.compile(rf"{MY_UPDATES}#owed-reply$"))
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").filter(has_text="Your reply was posted.")).to_be_visible()
    expect(section(page, "reply").get_by_test_id("entry-reply")).to_have_count(0)
    expect(section(page, "reply")).to_contain_text("No one is waiting for an answer from you.")
    checked(page, check_page)

    page.goto(f"{live_server.url}/items/{item.pk}/")
    replies = page.locator(f"#comment-{question.pk}").get_by_role("list", name="Replies to Dana Whitfield")
    expect(replies.get_by_role("listitem")).to_have_count(1)
    expect(replies).to_contain_text("Yes: $250,000 for IT, as in the charter draft.")
    expect(replies).to_contain_text("Marcus Oyelaran")
    checked(page, check_page)
    assert list(Comment.objects.filter(parent=question).values_list("author", flat=True)) == [idaho.cpo.pk]
