"""Who may ask for a download made in the background, and who may follow and fetch it. A state's
takeout: its CIO and CPO only (not delegates, viewers, other states or staff, who have the admin).
The national spreadsheet: association staff and superusers. A job's page and file: the person who
asked, and nobody else, whatever their role: 404 for everyone else, as for any page they may not
see. Idaho (state A)'s CIO has asked for Idaho's takeout, and it is ready."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Jurisdiction, User
from reports import jobs
from reports.models import ExportJob
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("takeout",               "GET",  "login 200   200   404   404   404   404   404"),
    Row("takeout",               "POST", "login done  done  404   404   404   404   404"),
    Row("takeout",               "GET",  "login 404   404   404   404   404   404   404", label="takeout-missing"),
    Row("national_items_export", "GET",  "login 404   404   404   404   404   200   200"),
    Row("national_items_export", "POST", "login 404   404   404   404   404   done  done"),
    Row("export_job",            "GET",  "login 200   404   404   404   404   404   404"),
    Row("export_job",            "GET",  "login 404   404   404   404   404   404   404", label="export_job-missing"),
    Row("export_download",       "GET",  "login 200   404   404   404   404   404   404"),
]
# fmt: on


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(
    client: Client, people: dict[str, User | None], media: Path, row: Row, persona: str, expected: str
) -> None:
    factories.make_plan("ID")
    cio = people["cio_A"]
    assert cio is not None
    job, _ = jobs.start(cio, ExportJob.Kind.TAKEOUT, jurisdiction=Jurisdiction.objects.get(code="ID"))
    jobs.run(job.pk)
    path = {
        "takeout": reverse("reports:takeout", args=["ID"]),
        "takeout-missing": reverse("reports:takeout", args=["ZZ"]),
        "national_items_export": reverse("reports:national_items_export"),
        "export_job": reverse("reports:export_job", args=[job.token]),
        "export_job-missing": reverse("reports:export_job", args=["00000000-0000-0000-0000-000000000000"]),
        "export_download": reverse("reports:export_download", args=[job.token]),
    }[row.label or row.url_name]
    matrix.run_cell(client, people[persona], row.method, path, expected)
