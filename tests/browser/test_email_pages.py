"""The email pages in a real browser (preferences, unsubscribe, the delivery log) and the emails
themselves: valid HTML and no WCAG 2.1 A/AA violation axe can find, because people read email with
screen readers too."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan import services as plan_services
from actionplan.models import ItemSide, Status
from directory.models import Membership, User
from notifications import services
from notifications.models import Preference
from outbox import delivery, emails, tokens
from outbox.models import OutgoingEmail
from tests import factories
from tests.browser.conftest import AXE_JS, AXE_TAGS, HtmlChecker
from tests.browser.helpers import CheckPage, PageWatch, login
from tests.factories import make_item, make_plan

Role = Membership.Role
PLAN_END = datetime.date(2027, 6, 30)


def unsubscribe_url(live_server: LiveServer, user: User, topic: str) -> str:
    return f"{live_server.url}/email/unsubscribe/{tokens.make(user, topic)}/"


def test_the_preferences_page_is_accessible(page: Page, live_server: LiveServer, check_page: CheckPage) -> None:
    cio = factories.make_member("ID", Role.CIO, full_name="Avery Quinn")
    login(page, live_server, cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/email/preferences/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Email preferences")
    expect(page.get_by_role("group", name="Weekly digest")).to_be_visible()
    expect(page.get_by_role("combobox", name="Day")).to_have_value("0")
    check_page(page)

    page.get_by_role("combobox", name="Day").select_option("4")
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("Your email preferences are saved.")
    expect(page.get_by_role("combobox", name="Day")).to_have_value("4")
    check_page(page)


def test_the_unsubscribe_confirmation_and_done_pages_are_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    cio = factories.make_member("ID", Role.CIO, email="avery.quinn@idaho.example")
    page.goto(unsubscribe_url(live_server, cio, "reminders"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Stop all reminders?")
    check_page(page)
    assert not Preference.objects.filter(user=cio, reminders_due=False).exists()

    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(page.get_by_text("avery.quinn@idaho.example will no longer receive all reminders.")).to_be_visible()
    check_page(page)
    assert Preference.objects.get(user=cio).reminders_due is False


def test_the_invalid_link_page_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, page_watch: PageWatch
) -> None:
    response = page.goto(f"{live_server.url}/email/unsubscribe/not-a-valid-token/")

    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This unsubscribe link is not valid")
    check_page(page)


def test_the_delivery_log_with_failed_emails_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, settings: Settings
) -> None:
    staff = factories.make_staff("NASPO", full_name="Robin Ellery")
    cio = factories.make_member("ID", Role.CIO, email="avery.quinn@idaho.example")
    cpo = factories.make_member("ID", Role.CPO, email="blake.rivera@idaho.example")
    context: dict[str, Any] = {"sections": [], "count": 1}
    emails.queue(OutgoingEmail.Kind.REMINDER, user=cio, dedupe_key="a", template="reminders", context=context)
    delivery.deliver(delivery.claim())
    settings.MAILERS = {"default": {"BACKEND": "tests.outbox.backends.RefusingBackend"}}
    emails.queue(OutgoingEmail.Kind.DIGEST, user=cpo, dedupe_key="b", template="reminders", context=context)
    delivery.deliver(delivery.claim())
    User.objects.filter(pk=cio.pk).update(email="not-an-address")
    cio.refresh_from_db()
    emails.queue(OutgoingEmail.Kind.DIGEST, user=cio, dedupe_key="c", template="reminders", context=context)

    login(page, live_server, staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/email/log/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery log")
    table = page.get_by_role("table")
    expect(table).to_contain_text("blake.rivera@idaho.example: 550")
    expect(table).to_contain_text("No valid email address for")
    check_page(page)

    page.get_by_role("combobox", name="Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(2)
    check_page(page)


# --- The emails themselves -----------------------------------------------------------------------


def _email_violations(browser: Browser, html: str) -> list[dict[str, Any]]:
    """axe-core on an email's HTML, shown as a mail client would: a document of its own."""
    context = browser.new_context()
    try:
        mail_page = context.new_page()
        mail_page.set_content(html)
        mail_page.add_script_tag(path=str(AXE_JS))
        results = mail_page.evaluate(
            "options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": AXE_TAGS}}
        )
    finally:
        context.close()
    return results["violations"]


@pytest.fixture
def email_html(db: None, settings: Settings) -> dict[str, str]:
    """The HTML of a full digest, a national digest and a combined reminder, written by the services
    with the clock stopped at the moments beat would run them (Boise time: Wednesday 10:00 for the
    reminder, Monday 08:00 for the digests)."""
    settings.SITE_URL = "https://jointplan.example.org"
    start = datetime.datetime(2026, 12, 2, 17, tzinfo=datetime.UTC)
    wednesday = datetime.datetime(2026, 12, 9, 17, tzinfo=datetime.UTC)
    monday = datetime.datetime(2026, 12, 14, 15, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        cio = factories.make_member("ID", Role.CIO, email="dana@idaho.example", full_name="Dana Whitfield")
        cpo = factories.make_member("ID", Role.CPO, email="marcus@idaho.example", full_name="Marcus Oyelaran")
        staff = factories.make_staff("NASCIO", full_name="Robin Ellery", tz="America/Boise")
        plan = make_plan("ID")
        make_item(plan, side=ItemSide.CIO, cio_owner=cio, due_on=datetime.date(2026, 12, 16), title="Records schedule")
        make_item(plan, side=ItemSide.CIO, cio_owner=cio, due_on=datetime.date(2026, 12, 1), title="Inventory & map")
        joint = make_item(plan, cio_owner=cio, cpo_owner=cpo, due_on=PLAN_END, title="Joint <procurement> playbook")
        services.queue_digests(now=start)

        clock.move_to(wednesday)
        plan_services.post_update(joint, author=cpo, side="cpo", status=Status.AT_RISK, progress=40, narrative="Slow.")
        plan_services.add_comment(joint, author=cpo, body="@dana can you answer legal's questions?")
        plan_services.sign_off(joint, by=cpo, side="cpo")
        services.queue_reminders(now=wednesday)

        clock.move_to(monday)
        services.queue_digests(now=monday)
    rows = {row.kind: row for row in OutgoingEmail.objects.filter(recipient__in=[cio, staff])}
    assert set(rows) == {OutgoingEmail.Kind.DIGEST, OutgoingEmail.Kind.STAFF_DIGEST, OutgoingEmail.Kind.REMINDER}
    assert all(row.status == OutgoingEmail.Status.QUEUED for row in rows.values())
    assert "Joint &lt;procurement&gt; playbook" in rows[OutgoingEmail.Kind.DIGEST].body_html
    return {str(kind): row.body_html for kind, row in rows.items()}


@pytest.mark.parametrize("kind", ["digest", "staff_digest", "reminder"])
def test_each_email_is_valid_accessible_html(
    browser: Browser, html_checker: HtmlChecker, email_html: dict[str, str], kind: str
) -> None:
    html = email_html[kind]

    assert html_checker.errors(html) == []
    violations = _email_violations(browser, html)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]
