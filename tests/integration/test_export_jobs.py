"""A takeout asked for in the browser is made by a real Celery worker, through the private Redis:
the page follows the job to the end, and the file the worker wrote is the one the requester
downloads."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from reports.models import ExportJob
from tests.factories import State
from tests.integration.harness import RedisServer, Worker, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def shared_media(worker_env: dict[str, str], settings: Settings, tmp_path: Path) -> Path:
    """One media folder for this process and the worker (which writes the file this one serves)."""
    folder = tmp_path / "media"
    folder.mkdir()
    worker_env["MEDIA_ROOT"] = str(folder)
    settings.MEDIA_ROOT = folder
    return folder


@pytest.fixture
def export_worker(shared_media: Path, start_worker: Callable[[str], Worker]) -> Worker:
    return start_worker("exports")


def test_a_worker_makes_the_takeout_the_page_follows(
    idaho: State, broker: RedisServer, export_worker: Worker, shared_media: Path
) -> None:
    client = Client()
    client.force_login(idaho.cio)
    response = client.post("/states/ID/takeout/")
    job = ExportJob.objects.get(requested_by=idaho.cio)
    assert response["Location"] == f"/exports/{job.token}/"

    def finished() -> ExportJob | None:
        job.refresh_from_db()
        return job if not job.active else None

    wait_until(finished, what="the worker to finish the takeout", timeout=60)
    assert job.state == ExportJob.State.DONE, job.error
    assert Path(job.file.path).is_relative_to(shared_media)
    assert f"Download {job.filename}" in client.get(f"/exports/{job.token}/").content.decode()

    download = client.get(f"/exports/{job.token}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    items = json.loads(archive.read("items.json"))
    assert len(items) == idaho.plan.items.count() > 0
    assert {row["fields"]["plan"] for row in items} == {idaho.plan.pk}
