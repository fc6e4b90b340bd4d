"""The item pages in a real browser: what the CIO and the CPO see and do, and that every page is
usable by everyone (valid HTML, no WCAG 2.1 A/AA violation axe can find, strict CSP)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Item, Plan, Status
from directory.models import Membership
from tests import factories
from tests.browser.helpers import CheckPage, login, sign_out
from tests.factories import StateWithItem, make_framework, make_item, make_plan

Role = Membership.Role


@pytest.fixture
def idaho(media: Path) -> StateWithItem:
    """Idaho's CIO and CPO and a joint item from the national framework that they both own."""
    cio = factories.make_member("ID", Role.CIO, full_name="Avery Quinn", email="avery.quinn@idaho.example")
    cpo = factories.make_member("ID", Role.CPO, full_name="Blake Rivera", email="blake.rivera@idaho.example")
    framework = make_framework(title="2016 National Action Plan")
    plan = make_plan("ID", framework=framework)
    item = make_item(
        plan,
        title="Joint cloud procurement playbook",
        description="Write **one** playbook both offices use:\n\n- intake\n- evaluation\n- award",
        cio_owner=cio,
        cpo_owner=cpo,
        framework_item=framework.items.get(),
    )
    return StateWithItem(cio=cio, cpo=cpo, plan=plan, item=item)


def item_url(live_server: LiveServer, item: Item, suffix: str = "") -> str:
    return f"{live_server.url}/items/{item.pk}/{suffix}"


def test_item_detail_with_disagreement_sign_offs_comments_and_evidence_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    item = idaho.item
    services.post_update(
        item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=60, narrative="Draft *done*."
    )
    services.post_update(
        item, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=40, narrative="Legal review."
    )
    services.sign_off(item, by=idaho.cpo, side="cpo")
    services.add_comment(item, author=idaho.cpo, body="Can we meet on Tuesday, @avery.quinn?")
    upload = SimpleUploadedFile("Charter.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    services.attach_evidence(item, by=idaho.cio, upload=upload)

    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(item_url(live_server, item))

    expect(page.get_by_role("heading", level=1)).to_have_text("Joint cloud procurement playbook")
    expect(page.get_by_test_id("disagreement")).to_contain_text(
        "The CIO side reports On track; the CPO side reports At risk."
    )
    expect(page.get_by_test_id("provenance")).to_contain_text("From the national framework: 2016 National Action Plan")
    expect(page.get_by_test_id("signature-cpo")).to_contain_text("signed by Blake Rivera")
    expect(page.get_by_role("link", name="Sign off for the CIO side…")).to_be_visible()
    expect(page.get_by_test_id("evidence").get_by_role("link", name="Charter.pdf")).to_be_visible()
    expect(page.get_by_test_id("comments")).to_contain_text("Can we meet on Tuesday")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "40")
    check_page(page)


def test_a_mention_is_answered_by_keyboard_with_a_reply_under_its_comment(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    item = idaho.item
    question = services.add_comment(item, author=idaho.cpo, body="Can we meet on Tuesday, @avery.quinn?")
    services.add_comment(item, author=idaho.cpo, body="Minutes to follow.", parent=question)
    services.add_comment(item, author=idaho.cio, body="A thread of its own, for @blake.rivera.")

    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(item_url(live_server, item))

    thread = page.locator(f"#comment-{question.pk}")
    mine = thread.locator("mark.jp-mention--you")
    expect(mine).to_have_text("@avery.quinn (you)")
    expect(mine.locator(".usa-sr-only")).to_have_text("(you)")
    expect(page.locator("mark.jp-mention")).to_have_count(2)  # the CPO's mention in the other thread too
    expect(thread.get_by_role("list", name="Replies to Blake Rivera")).to_contain_text("Minutes to follow.")
    check_page(page)

    # Reply by keyboard alone: the link opens the form under the thread, Tab reaches its text box.
    thread.get_by_role("link", name="Reply to Blake Rivera").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"\?reply={question.pk}#reply-{question.pk}$"))
    box = page.get_by_role("textbox", name="Reply to Blake Rivera")
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    check_page(page)

    # Only spaces: the browser's own check lets it through, the server's does not.
    page.keyboard.type("   ")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/comments/$"))
    box = page.get_by_role("textbox", name="Reply to Blake Rivera")
    expect(box).to_have_accessible_description(re.compile("Write something before posting."))
    check_page(page)

    box.focus()
    page.keyboard.type("Tuesday works, @blake.rivera.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#comment-\d+$"))

    expect(page.get_by_role("status").filter(has_text="Your reply was posted.")).to_be_visible()
    replies = thread.get_by_role("list", name="Replies to Blake Rivera").get_by_role("listitem")
    expect(replies).to_have_count(2)
    expect(replies.last).to_contain_text("Tuesday works, @blake.rivera.")
    assert page.url.endswith(f"#comment-{question.replies.last().pk}")
    expect(page.get_by_test_id("timeline")).to_contain_text("Avery Quinn replied to a comment")
    check_page(page)


def test_an_item_of_a_public_plan_read_signed_out_leads_to_its_public_page_without_comments_or_evidence(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    item = idaho.item
    services.post_update(
        item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=60, narrative="Draft done."
    )
    services.add_comment(item, author=idaho.cpo, body="Budget figures stay between us.")
    upload = SimpleUploadedFile("Charter.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    services.attach_evidence(item, by=idaho.cio, upload=upload)
    Plan.objects.filter(pk=idaho.plan.pk).update(sharing="public")

    page.goto(item_url(live_server, item))

    assert page.url.endswith(f"/public/plans/{idaho.plan.pk}/#item-{item.pk}")
    entry = page.locator(f"#item-{item.pk}")
    expect(entry.get_by_role("heading", level=3)).to_have_text("Joint cloud procurement playbook")
    expect(entry.get_by_test_id("latest-cio")).to_contain_text("Draft done.")
    expect(page.get_by_role("heading", name="Comments")).to_have_count(0)
    expect(page.get_by_role("heading", name="Evidence")).to_have_count(0)
    expect(page.get_by_text("Charter.pdf")).to_have_count(0)
    expect(page.get_by_text("Budget figures")).to_have_count(0)
    check_page(page)


def test_the_add_form_with_errors_is_accessible_and_keeps_what_was_typed(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{idaho.plan.pk}/items/new/")

    page.get_by_label("Title").fill("Shared vendor risk reviews")
    page.get_by_label("Start date").fill("2027-02-01")
    page.get_by_label("Due date").fill("2026-12-01")
    page.get_by_role("button", name="Add item").click()
    page.wait_for_load_state("load")

    due = page.get_by_label("Due date")
    expect(due).to_have_accessible_description(re.compile("The due date cannot be before the start date."))
    expect(due).to_have_value("2026-12-01")
    expect(page.get_by_label("Title")).to_have_value("Shared vendor risk reviews")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page)


def test_the_edit_form_after_a_stale_edit_shows_what_changed_and_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item, "edit/"))
    page.get_by_label("Title").fill("Playbook, CPO wording")
    # Meanwhile the CIO moves the due date.
    services.edit_item(idaho.item, by=idaho.cio, expected_version=1, due_on=datetime.date(2027, 5, 31))

    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")

    alert = page.get_by_test_id("stale-edit")
    expect(alert).to_contain_text("This item was changed since you opened it")
    expect(alert).to_contain_text("Due date: 2027-06-30")
    expect(alert).to_contain_text("by Avery Quinn")
    expect(page.get_by_label("Title")).to_have_value("Playbook, CPO wording")
    check_page(page)


def test_the_full_page_update_form_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    services.post_update(
        idaho.item, author=idaho.cpo, side="cpo", status=Status.BLOCKED, progress=10, narrative="Waiting on legal."
    )
    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item, "update/"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    expect(page.get_by_test_id("latest-cpo")).to_contain_text("Waiting on legal.")
    check_page(page)

    page.get_by_label("Progress (%)").fill("20")
    # Only spaces: the browser's own check lets it through, the server's does not.
    page.get_by_label("What happened since the last update").fill("   ")
    page.get_by_role("button", name="Post update").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("What happened since the last update")).to_have_accessible_description(
        re.compile("Say in a sentence or two what happened")
    )
    expect(page.get_by_label("Progress (%)")).to_have_value("20")
    check_page(page)


def test_someone_acting_for_both_sides_chooses_one_with_radio_buttons(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    both = factories.make_member("ID", Role.CIO_DELEGATE, full_name="Robin Both")
    factories.make_member("ID", Role.CPO_DELEGATE, user=both)
    login(page, live_server, both.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item, "update/"))

    page.locator("label[for=update_side_1]").click()  # the label is the target, as USWDS draws it

    expect(page.get_by_role("radio", name="CPO side")).to_be_checked()
    expect(page.get_by_role("group", name="Reporting for")).to_be_visible()
    check_page(page)


def test_a_joint_item_is_updated_inline_then_signed_by_both_sides_and_done(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: StateWithItem
) -> None:
    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item))
    # A marker that a full page load would wipe out: the update must arrive through htmx.
    page.evaluate("window.jpNoReload = true")

    form = page.locator("#post-update")
    form.get_by_label("Status").select_option("on_track")
    form.get_by_label("Progress (%)").fill("90")
    form.get_by_label("What happened since the last update").fill("All **three** stages written.")
    form.get_by_role("button", name="Post update").click()

    expect(page.locator("#item-notice")).to_contain_text("Your update was posted.")
    assert page.evaluate("window.jpNoReload") is True
    expect(page.get_by_test_id("latest-cio")).to_contain_text("All three stages written.")
    expect(form.get_by_label("What happened since the last update")).to_have_value("")
    check_page(page)
    sign_out(page)

    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item))
    page.get_by_role("link", name="Sign off for the CPO side…").click()
    # The confirmation says what signing does, and that this office has posted nothing yet.
    expect(page.get_by_test_id("sign-off-effect")).to_contain_text("becomes Done when the CIO side signs too")
    expect(page.get_by_test_id("sign-off-no-update")).to_be_visible()
    check_page(page)
    page.get_by_label("Note (optional)").fill("Procurement's part was the template; it is in the evidence.")
    page.get_by_role("button", name="Sign off for the CPO side").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").filter(has_text="You signed off")).to_contain_text("for the CPO side")
    expect(page.get_by_test_id("signature-cpo")).to_contain_text("signed by Blake Rivera")
    # Until the CIO signs, the CPO may take the signature back.
    expect(page.get_by_label("Reason (optional)")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw the CPO side's signature")).to_be_visible()
    check_page(page)
    sign_out(page)

    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item))
    page.get_by_role("link", name="Sign off for the CIO side…").click()
    expect(page.get_by_test_id("sign-off-effect")).to_contain_text("Your signature completes the item")
    expect(page.get_by_test_id("sign-off-no-update")).to_have_count(0)
    page.get_by_role("button", name="Sign off and complete the item").click()
    page.wait_for_load_state("load")

    expect(page.get_by_test_id("item-status")).to_contain_text("Done: both sides signed off")
    timeline = page.get_by_test_id("timeline")
    for text in (
        "Avery Quinn signed off (CIO side)",
        "Blake Rivera signed off (CPO side)",
        "Avery Quinn posted an update",
    ):
        expect(timeline).to_contain_text(text)
    check_page(page)
    sign_out(page)

    login(page, live_server, idaho.cpo.email, factories.PASSWORD)
    page.goto(item_url(live_server, idaho.item))
    expect(page.get_by_test_id("item-status")).to_contain_text("Done: both sides signed off")
    expect(page.get_by_test_id("latest-cio")).to_contain_text("All three stages written.")
    expect(page.get_by_test_id("timeline")).to_contain_text("Avery Quinn signed off (CIO side)")
    # Either office takes a done item back into work, saying why; the other office is told.
    page.get_by_test_id("reopen").click()
    check_page(page)
    expect(page.get_by_label("Why reopen it?")).to_have_attribute("required", "")
    page.get_by_label("Why reopen it?").fill("The vendor contract needs a second review.")
    page.get_by_role("button", name="Reopen the item").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("item-status")).to_contain_text("On track")
    expect(page.get_by_test_id("timeline")).to_contain_text("reopened the item")
    check_page(page)
