"""A takeout in a real browser, by keyboard alone: from the plan dashboard to the takeout page, the
job's page and the download; and a job still running, whose page htmx follows until the file is
ready. Every page valid and accessible."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Jurisdiction
from reports.models import ExportJob
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.factories import State


@pytest.fixture
def idaho(transactional_db: None, media: Path) -> State:
    factories.load_reference()
    people = factories.idaho_people("cio", "cpo")
    return State(cio=people["cio"], cpo=people["cpo"], plan=factories.adopt_plan(people["cio"]))


def test_a_cio_takes_out_the_state_by_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: State
) -> None:
    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{idaho.plan.pk}/")
    page.get_by_role("link", name="Take out everything about Idaho").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/states/ID/takeout/")
    check_page(page)

    page.get_by_role("button", name="Make the zip file").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/exports/**")
    download_link = page.get_by_test_id("download")
    expect(download_link).to_be_visible()
    check_page(page)

    download_link.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("idaho-takeout-")
    assert download.value.suggested_filename.endswith(".zip")


def test_the_page_of_a_running_job_follows_it_until_the_file_is_ready(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho: State
) -> None:
    job = ExportJob.objects.create(
        requested_by=idaho.cio,
        kind=ExportJob.Kind.TAKEOUT,
        jurisdiction=Jurisdiction.objects.get(code="ID"),
        state=ExportJob.State.RUNNING,
        progress=40,
        step="Writing updates",
    )
    login(page, live_server, idaho.cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/exports/{job.token}/")
    expect(page.get_by_test_id("job-status")).to_contain_text("Running: Writing updates.")
    expect(page.locator("progress")).to_have_attribute("value", "40")
    check_page(page)

    # The worker finishes (here: the row says so); htmx, asking every second, shows the result.
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.FAILED, error="The job stopped before it finished."
    )
    expect(page.get_by_test_id("job-status")).to_contain_text("The job stopped before it finished.", timeout=5_000)
    expect(page.get_by_role("link", name="Ask for it again")).to_be_visible()
    check_page(page)
