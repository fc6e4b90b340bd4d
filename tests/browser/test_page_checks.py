"""The checks every browser test leans on can fail: check_page finds a WCAG violation that a script
put into the page, and an HTML error in the page as shown, on a page served with our strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import SIGN_IN_PATH, CheckPage


def test_check_page_fails_on_an_unlabelled_field_and_on_a_duplicate_id(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    check_page(page)  # as served: clean

    page.evaluate(
        """() => {
            const field = document.createElement("input");
            field.type = "text";
            field.id = "main-content";
            document.querySelector("main").append(field);
        }"""
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        check_page(page)

    report = str(failed.value)
    assert "axe-core found" in report
    assert "label" in report  # axe's rule for a form field without a label
    assert "The Nu HTML checker found errors in the page as shown" in report
    assert "Duplicate ID “main-content”" in report
