"""What the browser tests share besides fixtures: signing in, and watching a page for trouble."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Error, Page, Response, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pytest_django.live_server_helper import LiveServer

SIGN_IN_PATH = "/sign-in/"

# The widths the responsive tests use: a phone (item tables become cards), a tablet (still a table)
# and a desktop.
PHONE: ViewportSize = {"width": 390, "height": 844}
TABLET: ViewportSize = {"width": 768, "height": 1024}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# What the `check_page` fixture gives a test: call it with a page to check that page as shown.
CheckPage = Callable[[Page], None]


@dataclass
class PageWatch:
    """Everything the browser reported while a test ran, and which of it counts as a problem.

    Our CSP allows no inline script or style, so a CSP refusal means a template broke the rule;
    a 404 or 5xx from our own server means a missing static file or a crashed view.
    """

    origin: str
    console: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)
    document: Response | None = None  # the main frame's latest page, as the server sent it

    def expect_status(self, path: str, status: int) -> None:
        """The test means to get `status` at `path` (the 404 page, say): not a problem there."""
        self.expected.add((path, status))

    def on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP refusal: {message.text}")

    def on_page_error(self, error: Error) -> None:
        # Every page must work without our JavaScript, but a script that throws is still a bug.
        self.problems.append(f"uncaught JavaScript error: {error.message}")

    def on_response(self, response: Response) -> None:
        status = response.status
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is None and not 300 <= status < 400:
            self.document = response
        if status != 404 and status < 500:
            return
        url = urlsplit(response.url)
        if f"{url.scheme}://{url.netloc}" != self.origin:
            return
        if (url.path, status) in self.expected:
            return
        self.problems.append(f"{status} from {response.request.method} {url.path}")

    def report(self) -> str:
        """The problems, then the whole console, as one readable message."""
        lines = ["The browser reported problems:", *(f"  {p}" for p in self.problems)]
        if self.console:
            lines += ["Console:", *(f"  {c}" for c in self.console)]
        return "\n".join(lines)


def login(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    """Sign in through the real form, as a person would, and wait for the page it leads to."""
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    try:
        page.wait_for_url(lambda url: urlsplit(url).path != SIGN_IN_PATH, timeout=5_000)
    except PlaywrightTimeoutError as error:
        summary = page.locator("[data-error-summary]")
        shown = summary.inner_text() if summary.count() else "no error shown"
        raise AssertionError(f"signing in as {email} failed: {shown}") from error
    page.wait_for_load_state("load")


def open_menu(page: Page) -> None:
    """Below desktop width the site's navigation (and Sign out) is behind the Menu button: open it."""
    menu = page.get_by_role("button", name="Menu", exact=True)
    if menu.is_visible():
        menu.click()


def sign_out(page: Page) -> None:
    """Sign out with the header's button (behind Menu on a phone), and wait for the page it leads to."""
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")


def assert_fits(page: Page, rows: str, cells: dict[str, str]) -> int:
    """No sideways scroll, and in every row (`rows`, a CSS selector) each of `cells` (what it is:
    a selector inside the row) has a size and lies inside the viewport's width.

    Returns how many rows were checked, so a test can tell an empty list from a fitting one."""
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways at {width} px: {scroll_width} px wide"
    found = page.locator(rows)
    for n in range(found.count()):
        row = found.nth(n)
        for what, selector in cells.items():
            box = row.locator(selector).first.bounding_box()
            assert box is not None, f"row {n}: its {what} is hidden"
            assert box["width"] > 0 and box["height"] > 0, f"row {n}: its {what} has no size"
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"row {n}: its {what} is cut off: {box}"
    return found.count()
