"""Downloads made in the background (reports/jobs.py): a state's takeout holds every model's rows
about that state and none of another's, the national spreadsheet reads back, a job asked for twice
is one job, and a file is its requester's alone until it expires. Tasks run in-process here, as in
the quick start; tests/integration runs them on a real worker."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from actionplan import services as plan_services
from actionplan.models import Comment, ItemSide, Status
from directory.models import Jurisdiction, Membership
from reports import jobs
from reports.models import ExportJob
from tests import factories
from tests.factories import State

pytestmark = pytest.mark.django_db

# Words that name Montana's data: none may appear anywhere in Idaho's takeout.
MONTANA_WORDS = ("Montana", "Big Sky broadband", "Helena pilot went well", "montana-evidence", "cio@mt.example")


@pytest.fixture
def montana() -> State:
    cio = factories.make_member("MT", Membership.Role.CIO, email="cio@mt.example", full_name="Riley Montana-Person")
    cpo = factories.make_member("MT", Membership.Role.CPO, email="cpo@mt.example")
    state = State(plan=factories.make_plan("MT"), cio=cio, cpo=cpo)
    item = state.item(ItemSide.CIO, title="Big Sky broadband")
    plan_services.post_update(
        item, author=cio, side="cio", status=Status.ON_TRACK, progress=50, narrative="Helena pilot went well."
    )
    return state


@pytest.fixture
def idaho_records(idaho: State, media: Path, montana: State) -> State:
    item = idaho.item(ItemSide.JOINT, title="Joint cloud contract")
    plan_services.post_update(
        item, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=40, narrative="Vendor demo slipped."
    )
    plan_services.add_comment(item, author=idaho.cio, body="Can we meet on this?")
    plan_services.attach_evidence(
        item, by=idaho.cio, upload=SimpleUploadedFile("minutes.txt", b"Minutes of the Boise meeting.", "text/plain")
    )
    montana_item = montana.plan.items.get()
    plan_services.attach_evidence(
        montana_item,
        by=montana.cio,
        upload=SimpleUploadedFile("montana-evidence.txt", b"Montana only.", "text/plain"),
    )
    return idaho


def _zip(response) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a request queues for after its commit (the task), as a real request would: the
    test's transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _take_out(client: Client, state: State, on_commit: Any) -> ExportJob:
    client.force_login(state.cio)
    with on_commit():
        response = client.post("/states/ID/takeout/")
    job = ExportJob.objects.get(requested_by=state.cio)
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{job.token}/"
    return job


def test_a_takeout_holds_every_part_as_json_and_csv_with_the_evidence_and_nothing_of_another_state(
    client: Client, idaho_records: State, on_commit: Any
) -> None:
    job = _take_out(client, idaho_records, on_commit)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert job.progress == 100
    page = client.get(f"/exports/{job.token}/").content.decode()
    assert f"Download {job.filename}" in page
    assert job.filename.startswith("idaho-takeout-")

    response = client.get(f"/exports/{job.token}/download/")
    assert response.status_code == 200
    archive = _zip(response)
    names = set(archive.namelist())
    for part in jobs.PARTS:
        assert {f"{part.name}.json", f"{part.name}.csv"} <= names
    assert "README.txt" in names
    (evidence,) = [n for n in names if n.startswith("files/attachments/")]
    assert archive.read(evidence) == b"Minutes of the Boise meeting."

    items = json.loads(archive.read("items.json"))
    assert [row["fields"]["title"] for row in items] == ["Joint cloud contract"]
    updates = json.loads(archive.read("updates.json"))
    assert [row["fields"]["narrative"] for row in updates] == ["Vendor demo slipped."]
    comments = json.loads(archive.read("comments.json"))
    assert [row["fields"]["body"] for row in comments] == [Comment.objects.get().body]
    people = json.loads(archive.read("people.json"))
    assert {row["fields"]["email"] for row in people} == {idaho_records.cio.email, idaho_records.cpo.email}
    assert all("password" not in row["fields"] for row in people)
    assert "Vendor demo slipped." in archive.read("updates.csv").decode()
    assert "items: 1 row." in archive.read("README.txt").decode()

    montana = Jurisdiction.objects.get(code="MT")
    for name in names:
        text = archive.read(name).decode("utf-8", errors="replace")
        for word in MONTANA_WORDS:
            assert word not in text, f"{word!r} (Montana) is in {name}"
        if name.endswith(".json"):
            for row in json.loads(text):
                assert row["fields"].get("jurisdiction") in (None, idaho_records.plan.jurisdiction_id)
                assert row["fields"].get("jurisdiction") != montana.pk


def test_a_takeout_asked_for_twice_is_one_job(client: Client, idaho: State) -> None:
    running = ExportJob.objects.create(
        requested_by=idaho.cio, kind=ExportJob.Kind.TAKEOUT, jurisdiction=idaho.plan.jurisdiction
    )
    client.force_login(idaho.cio)
    response = client.post("/states/ID/takeout/")
    assert response["Location"] == f"/exports/{running.token}/"
    assert ExportJob.objects.count() == 1
    page = client.get(f"/exports/{running.token}/").content.decode()
    assert "Waiting to start" in page
    assert 'data-hx-trigger="every 1s"' in page  # htmx follows it
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # and without JavaScript

    # The database refuses a second running job even if two requests pass the first check together.
    job, created = jobs.start(idaho.cio, ExportJob.Kind.TAKEOUT, jurisdiction=idaho.plan.jurisdiction)
    assert (job, created) == (running, False)


def test_a_job_stuck_running_is_given_up_and_may_be_asked_for_again(client: Client, idaho: State) -> None:
    stuck = ExportJob.objects.create(
        requested_by=idaho.cio,
        kind=ExportJob.Kind.TAKEOUT,
        jurisdiction=idaho.plan.jurisdiction,
        state=ExportJob.State.RUNNING,
        created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    job, created = jobs.start(idaho.cio, ExportJob.Kind.TAKEOUT, jurisdiction=idaho.plan.jurisdiction)
    assert created and job != stuck
    stuck.refresh_from_db()
    assert stuck.state == ExportJob.State.FAILED
    assert "Ask for it again" in stuck.error


def test_a_download_is_its_requesters_alone(client: Client, idaho_records: State, on_commit: Any) -> None:
    job = _take_out(client, idaho_records, on_commit)
    for other in (
        idaho_records.cpo,
        factories.make_staff("NASCIO"),
        factories.make_member("MT", Membership.Role.VIEWER),
    ):
        client.force_login(other)
        assert client.get(f"/exports/{job.token}/").status_code == 404
        assert client.get(f"/exports/{job.token}/download/").status_code == 404
    client.logout()
    assert client.get(f"/exports/{job.token}/download/").status_code == 302  # to sign in


def test_an_expired_download_says_so_and_its_file_is_removed(
    client: Client, idaho_records: State, on_commit: Any
) -> None:
    job = _take_out(client, idaho_records, on_commit)
    job.refresh_from_db()
    stored = Path(job.file.path)
    assert stored.exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    response = client.get(f"/exports/{job.token}/download/")
    assert response.status_code == 410
    assert "This download has expired" in response.content.decode()
    assert "expired" in client.get(f"/exports/{job.token}/").content.decode()

    assert jobs.remove_expired() == 1
    assert not stored.exists()
    job.refresh_from_db()
    assert (job.state, job.file.name) == (ExportJob.State.EXPIRED, "")
    assert client.get(f"/exports/{job.token}/download/").status_code == 410


def test_only_the_states_cio_and_cpo_may_take_it_out(client: Client, idaho: State) -> None:
    for who in (
        factories.make_member("ID", Membership.Role.CIO_DELEGATE),
        factories.make_member("ID", Membership.Role.VIEWER),
        factories.make_member("MT", Membership.Role.CIO),
    ):
        client.force_login(who)
        assert client.get("/states/ID/takeout/").status_code == 404
        assert client.post("/states/ID/takeout/").status_code == 404
    assert not ExportJob.objects.exists()
    client.force_login(idaho.cpo)
    assert "Take out everything about Idaho" in client.get("/states/ID/takeout/").content.decode()
    dashboard = client.get(f"/plans/{idaho.plan.pk}/").content.decode()
    assert 'href="/states/ID/takeout/"' in dashboard


def test_a_failure_is_recorded_in_words_and_offers_to_ask_again(
    client: Client, idaho: State, monkeypatch: pytest.MonkeyPatch, on_commit: Any
) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs.BUILDERS, ExportJob.Kind.TAKEOUT, broken)
    job = _take_out(client, idaho, on_commit)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    page = client.get(f"/exports/{job.token}/").content.decode()
    assert "Something went wrong while making the file" in page
    assert "disk full" not in page
    assert 'href="/states/ID/takeout/"' in page


def test_the_national_spreadsheet_holds_each_states_items_with_their_latest_updates(
    client: Client, idaho: State, montana: State, on_commit: Any
) -> None:
    item = idaho.item(ItemSide.JOINT, title="Joint cloud contract")
    for progress, narrative in ((20, "Kickoff."), (40, "Vendor demo slipped.")):
        plan_services.post_update(
            item, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=progress, narrative=narrative
        )
    staff = factories.make_staff("NASCIO")
    client.force_login(staff)
    assert 'href="/national/export/"' in client.get("/national/").content.decode()
    client.force_login(idaho.cio)
    assert client.post("/national/export/").status_code == 404
    client.force_login(staff)
    with on_commit():
        response = client.post("/national/export/")
    job = ExportJob.objects.get(requested_by=staff)
    assert response["Location"] == f"/exports/{job.token}/"

    book = load_workbook(io.BytesIO(b"".join(client.get(f"/exports/{job.token}/download/").streaming_content)))
    sheet = book["Items"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [(r["Code"], r["Item"]) for r in rows] == [("ID", "Joint cloud contract"), ("MT", "Big Sky broadband")]
    assert rows[0]["Latest CPO update"] == "Vendor demo slipped."
    assert isinstance(rows[0]["CPO update posted"], datetime.datetime)
    assert rows[0]["Latest CIO update"] is None
    assert rows[1]["Latest CIO update"] == "Helena pilot went well."
    assert rows[0]["Progress (%)"] == 0.4
    assert isinstance(rows[0]["Due on"], datetime.datetime)  # a date cell (openpyxl reads dates back as datetimes)
    assert "About this export" in book.sheetnames
