"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against the live server,
with every page checked by axe-core (WCAG 2.1 A/AA) and the Nu HTML checker."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import CheckPage, PageWatch

BROWSER_TESTS = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VNU_START_SECONDS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m "not browser"` skips them all.

    The hook sees the whole session's items, not just this folder's, hence the path test."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


def _require(path: Path, what: str) -> None:
    # Fail rather than skip: CI must never pass with the browser tests quietly switched off.
    if not path.exists():
        pytest.fail(f"{what} is missing ({path}): run `make test` (it installs the browser-test tools)", pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session; each test gets its own context (cookies, storage)."""
    _require(CHROMIUM, "Chromium")
    # Playwright's sync API runs an asyncio event loop in a greenlet on the main thread, and that
    # loop stays "running" for as long as Playwright is up. Django then sees a running loop in
    # every ORM call the test makes (factories, transactional_db's flush) and raises
    # SynchronousOnlyOperation, although nothing here is async. The live server answers in its
    # own threads, which have no loop, so only the test thread is affected. Set here, not at
    # import, so runs that never start a browser keep Django's guard; once set it stays for the
    # rest of the session, as the loop does (tests collected after these need it too).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_watch(live_server: LiveServer) -> PageWatch:
    """What the browser reported during this test; `page_watch.expect_status` allows a 404."""
    return PageWatch(origin=live_server.url)


@pytest.fixture
def page(browser: Browser, page_watch: PageWatch) -> Iterator[Page]:
    """A fresh browser context per test, with the site's real CSP enforced.

    Fails the test if the browser refused something under the CSP, a script threw, or our own
    server answered 404 or 5xx to any request the page made."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", page_watch.on_console)
    page.on("pageerror", page_watch.on_page_error)
    page.on("response", page_watch.on_response)
    yield page
    context.close()
    if page_watch.problems:
        pytest.fail(page_watch.report(), pytrace=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HtmlChecker:
    """The Nu HTML checker as a local HTTP service: the JVM starts once (a few seconds) and then
    checks each page in tens of milliseconds."""

    def __init__(self, log_path: Path) -> None:
        _require(VNU_JAR, "The Nu HTML checker")
        java = shutil.which("java")
        if java is None:
            pytest.fail("java is missing: run `make test` (it says what to install)", pytrace=False)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self._process = subprocess.Popen(
            # Bind to loopback only: the checker's default is every interface.
            [java, "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR)]
            + ["nu.validator.servlet.Main", str(port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._ready = False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + VNU_START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                pytest.fail(f"the Nu HTML checker exited at start; see {self.log_path}", pytrace=False)
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        self._ready = True
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        pytest.fail(f"the Nu HTML checker did not answer in {VNU_START_SECONDS}s; see {self.log_path}", pytrace=False)

    def errors(self, html: str) -> list[str]:
        """The checker's errors for this document (its warnings and notes are left out)."""
        if not self._ready:
            self._wait_until_ready()
        request = urllib.request.Request(
            f"{self.url}?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            messages = json.load(response)["messages"]
        return [
            f"line {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in messages
            if m["type"] in {"error", "non-document-error"}
        ]

    def close(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def html_checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HtmlChecker]:
    checker = HtmlChecker(tmp_path_factory.mktemp("vnu") / "vnu.log")
    yield checker
    checker.close()


@pytest.fixture(scope="session", autouse=True)
def _start_html_checker_early(html_checker: HtmlChecker) -> None:
    """Start the checker's JVM (3-4 s) before the test database and Chromium, so it warms up
    while they do instead of after. Autouse here means only when a browser test runs."""


@functools.cache
def _axe_source() -> str:
    _require(AXE_JS, "axe-core")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in `page` as it stands: its own DOM, styles, viewport and scripts' work, after
    a POST as after a GET.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    govern (a <script> tag would need the CSP bypassed, which the tests' pages must never have). It
    only reads the page; the page goes on as it was. Only violations are asked for: axe then skips
    describing every passing node, half its time on a large table."""
    page.evaluate(_axe_source() + "\n;undefined")
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def _describe_violations(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"      {' '.join(map(str, node['target']))}" for node in violation["nodes"]]
    return lines


@pytest.fixture
def check_page(html_checker: HtmlChecker, page_watch: PageWatch) -> CheckPage:
    """`check_page(page)`: the page has no HTML errors, no WCAG 2.1 A/AA violation that axe-core
    can find, and the browser has reported no problem so far.

    The HTML is checked twice: as the server sent it (page.content() is the browser's re-serialised
    DOM, which has already repaired unclosed or misnested tags) and as shown after scripts ran."""

    def check(page: Page) -> None:
        shown = page.content()
        report = []
        if page_watch.problems:
            report.append(page_watch.report())
            page_watch.problems.clear()  # reported here: the page fixture need not fail again
        sent = page_watch.document
        if sent is not None and urldefrag(sent.url)[0] == urldefrag(page.url)[0]:
            sent_errors = html_checker.errors(sent.body().decode("utf-8"))
            if sent_errors:
                report += ["The Nu HTML checker found errors in the HTML as sent:", *(f"  {e}" for e in sent_errors)]
        shown_errors = html_checker.errors(shown)
        if shown_errors:
            report += ["The Nu HTML checker found errors in the page as shown:", *(f"  {e}" for e in shown_errors)]
        violations = axe_violations(page)
        if violations:
            report += [
                f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s):",
                *_describe_violations(violations),
            ]
        if report:
            pytest.fail("\n".join([page.url, *report]), pytrace=False)

    return check
