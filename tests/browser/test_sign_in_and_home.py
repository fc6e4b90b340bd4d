"""Signing in and the home page, in a real browser: what people see, and that everyone can use it
(keyboard, screen reader, valid HTML, strict CSP)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Jurisdiction, Membership
from tests import factories
from tests.browser.helpers import SIGN_IN_PATH, CheckPage, PageWatch, login


def test_sign_in_page_has_no_accessibility_or_html_errors(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Joint Plan")
    check_page(page)


def test_wrong_password_shows_the_error_and_keeps_the_email(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    user = factories.make_member("ID", Membership.Role.CIO)
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")

    assert posted.value.status == 200
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("That email address and password do not match an account")
    # app.js moves focus to the summary so keyboard and screen-reader users hear it first.
    expect(summary).to_be_focused()
    expect(page.locator("#id_login")).to_have_value(user.email)
    expect(page.locator("#id_password")).to_have_value("")
    check_page(page)


def test_blank_password_is_flagged_on_the_field_and_linked_from_the_summary(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    # A wrong password is a form-wide error (it must not say which half was wrong), so the
    # field-level error markup is shown by leaving a field empty instead.
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    page.locator("#id_login").fill("someone@state.example")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")

    password = page.locator("#id_password")
    expect(page.locator("#id_password_error")).to_contain_text("This field is required.")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("This field is required.")
    expect(page.locator("[data-error-summary] a[href='#id_password']")).to_contain_text("Password")
    expect(page.locator("#id_login")).to_have_value("someone@state.example")
    check_page(page)


def test_cio_sees_their_jurisdiction_and_counterpart_cpo_after_signing_in(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    factories.make_member("ID", Membership.Role.CPO, full_name="Blake Rivera")
    idaho = Jurisdiction.objects.get(code="ID").name

    login(page, live_server, cio.email, factories.PASSWORD)

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=2, name=idaho)).to_be_visible()
    expect(page.get_by_test_id("counterparts")).to_contain_text("Blake Rivera")
    expect(page.get_by_test_id("counterparts")).to_contain_text("Chief Procurement Officer")
    viewer = page.get_by_test_id("viewer")
    expect(viewer).to_contain_text("Avery Quinn")
    expect(viewer).to_contain_text(f"{idaho} · Chief Information Officer")
    check_page(page)


def test_association_staff_see_all_56_jurisdictions_in_the_national_roster(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    staff = factories.make_staff("NASCIO", full_name="Casey Morgan")

    login(page, live_server, staff.email, factories.PASSWORD)

    roster = page.get_by_test_id("national-roster")
    expect(roster.locator("tbody tr")).to_have_count(56)
    expect(roster.get_by_role("rowheader", name="Wyoming")).to_be_visible()
    expect(page.get_by_test_id("viewer")).to_contain_text("Casey Morgan")
    expect(page.get_by_test_id("viewer")).to_contain_text("NASCIO staff")
    check_page(page)


def test_keyboard_only_sign_in_reaches_the_home_page(page: Page, live_server: LiveServer) -> None:
    cpo = factories.make_member("ID", Membership.Role.CPO, full_name="Drew Palmer")
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")

    # The email field has autofocus (SignInForm), so typing starts there, not at the skip link.
    expect(page.locator("#id_login")).to_be_focused()
    page.keyboard.type(cpo.email)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Drew")
    # On a page without autofocus the first Tab reaches the skip link, and it leads to <main>.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_not_found_page_for_a_signed_in_user_answers_404_and_is_accessible(
    page: Page, live_server: LiveServer, page_watch: PageWatch, check_page: CheckPage
) -> None:
    member = factories.make_member("ID", Membership.Role.CIO)
    login(page, live_server, member.email, factories.PASSWORD)
    page_watch.expect_status("/no-such-page/", 404)

    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page)


def test_signing_out_returns_to_the_sign_in_page(page: Page, live_server: LiveServer) -> None:
    member = factories.make_member("ID", Membership.Role.CIO)
    login(page, live_server, member.email, factories.PASSWORD)

    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(f"{live_server.url}{SIGN_IN_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Joint Plan")
    # The session is really gone: home sends us back to sign in.
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}{SIGN_IN_PATH}?next=/"
