"""Staff import a contact list by keyboard: a file with one error is previewed with the error
named by row and field and no way to apply it; the corrected file is previewed and applied, and
the invitation is sent. Every page without accessibility or HTML errors. One journey, to keep the
browser suite short."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Invitation
from outbox.models import OutgoingEmail
from tests import factories
from tests.browser.helpers import CheckPage, login

HEADER = "name,email,jurisdiction,role,start date\n"


def _choose_and_preview(page: Page, path: Path) -> None:
    page.locator("#id_file").focus()
    page.locator("#id_file").set_input_files(path)  # a file chooser is the one step no key types
    page.get_by_role("button", name="Preview the import").focus()
    page.keyboard.press("Enter")


def test_staff_preview_a_file_with_an_error_then_import_the_corrected_one(
    page: Page, live_server: LiveServer, check_page: CheckPage, tmp_path: Path
) -> None:
    staff = factories.make_staff("NASPO", email="staff@naspo.example", full_name="Nora Staff")
    wrong, fixed = tmp_path / "wrong.csv", tmp_path / "fixed.csv"
    wrong.write_text(HEADER + "Casey Morgan,casey@me.example,ZZ,CPO,2030-01-15\n")
    fixed.write_text(HEADER + "Casey Morgan,casey@me.example,ME,CPO,2030-01-15\n")
    login(page, live_server, staff.email, factories.PASSWORD)

    page.get_by_role("link", name="Import a contact list").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a contact list")
    check_page(page)
    _choose_and_preview(page, wrong)

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    expect(page.get_by_role("alert")).to_contain_text("Row 2: “ZZ” is not a jurisdiction's USPS code")
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    check_page(page)
    page.get_by_role("link", name="Upload a corrected file").focus()
    page.keyboard.press("Enter")
    _choose_and_preview(page, fixed)

    expect(page.get_by_test_id("rows")).to_contain_text("Invite a new person")
    check_page(page)
    page.get_by_role("button", name="Apply the import").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact list imported")
    expect(page.get_by_role("status")).to_contain_text("the invitations are on their way")
    check_page(page)
    assert Invitation.objects.get().email == "casey@me.example"
    assert OutgoingEmail.objects.filter(to_address="casey@me.example").count() == 1
