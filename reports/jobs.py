"""Downloads made in the background: a state's takeout (everything about it, as one zip) and the
national spreadsheet of every state's items with their latest updates.

A view asks `start()`, which records an ExportJob (or finds the one already running for that person)
and has the task `reports.run_export` build it after the request's transaction commits. The task
claims the job once (`run`), reports its progress on the row as it goes, and saves the file under
MEDIA_ROOT/exports/<token>/. The file is the requester's alone (the views check) until it expires
(EXPORT_HOURS), when `remove_expired` deletes it. With tasks in-process (the quick start), the job
is done by the time the page that shows it opens; with a worker, that page follows it.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify

from actionplan.exports import ITEM_COLUMNS, ITEM_RELATED
from actionplan.models import (
    Activity,
    Adoption,
    AdoptionChange,
    Attachment,
    Comment,
    Item,
    Plan,
    SignOff,
    Update,
    latest_update,
    standing_plans,
)
from config.spreadsheets import Column, write_csv
from directory.models import Jurisdiction, Membership, User
from notifications.models import Nudge
from reports import exports
from reports.models import ExportJob, Snapshot
from roundtables.models import Attendance, OutcomeProposal

logger = logging.getLogger(__name__)

# How long a finished file may be downloaded, and when a job still running is taken for dead.
EXPORT_HOURS = 24
STUCK_AFTER = datetime.timedelta(hours=1)
ACTIVE = (ExportJob.State.QUEUED, ExportJob.State.RUNNING)

Progress = Callable[[int, str], None]


# --- Starting, running, expiring -------------------------------------------------------------------


def start(user: User, kind: str, *, jurisdiction: Jurisdiction | None = None) -> tuple[ExportJob, bool]:
    """The job of this kind this person has running (for this state), or a new one; True if new.

    The caller queues the task for a new job once its transaction commits. Two requests at the
    same moment make one job: the database refuses the second (ExportJob's constraints)."""
    _give_up_stuck(timezone.now())
    mine = ExportJob.objects.filter(requested_by=user, kind=kind, jurisdiction=jurisdiction, state__in=ACTIVE)
    running = mine.first()
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            return ExportJob.objects.create(requested_by=user, kind=kind, jurisdiction=jurisdiction), True
    except IntegrityError:
        return mine.get(), False


def run(job_id: int) -> None:
    """Build the job's file, once: a job that is not waiting (done, failed, or claimed by another
    worker) is left alone. A failure is recorded on the job in words, with the details in the log."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, started_at=now, step="Starting"
    ):
        return
    job = ExportJob.objects.select_related("requested_by", "jurisdiction").get(pk=job_id)

    def progress(percent: int, step: str) -> None:
        ExportJob.objects.filter(pk=job_id).update(progress=max(0, min(percent, 99)), step=step[:200])

    try:
        with tempfile.TemporaryFile() as out, timezone.override(job.requested_by.tz or settings.TIME_ZONE):
            filename = BUILDERS[job.kind](job, out, progress)
            size = out.tell()
            out.seek(0)
            job.file.save(f"{job.token}/{filename}", File(out), save=False)
    except Exception:
        logger.exception("Export job %s (%s) failed", job.pk, job.kind)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED,
            finished_at=timezone.now(),
            error="Something went wrong while making the file. Try again; if it fails again, tell your NASPO or NASCIO contact.",
        )
        return
    finished = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.DONE,
        file=job.file.name,
        filename=filename,
        size=size,
        progress=100,
        step="Ready",
        finished_at=finished,
        expires_at=finished + datetime.timedelta(hours=EXPORT_HOURS),
    )


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs past their expiry, and mark them expired; returns how many."""
    now = now or timezone.now()
    _give_up_stuck(now)
    removed = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, expires_at__lte=now):
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.EXPIRED, file="")
        removed += 1
    return removed


def _give_up_stuck(now: datetime.datetime) -> None:
    """A job queued or running for longer than STUCK_AFTER lost its worker: say so, and free the
    person to ask again."""
    ExportJob.objects.filter(state__in=ACTIVE, created_at__lt=now - STUCK_AFTER).update(
        state=ExportJob.State.FAILED,
        finished_at=now,
        error="The job stopped before it finished (the server was restarted). Ask for it again.",
    )


# --- A state's takeout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One model's rows in the takeout: its file name, what it is, and its rows for one state."""

    name: str
    about: str
    rows: Callable[[Jurisdiction], QuerySet[Any]]
    fields: tuple[str, ...] | None = None  # None: every field


# Every row that belongs to the state, by the path from it to the jurisdiction; nothing else. Reference
# data (dimensions, the framework, publications, events) is shared by every state and left out: rows
# here name it by id.
PARTS = (
    Part("jurisdiction", "The state itself.", lambda j: Jurisdiction.objects.filter(pk=j.pk)),
    Part(
        "people",
        "Everyone who holds or held a role in the state: name, email, title and time zone (no passwords).",
        lambda j: User.objects.filter(memberships__jurisdiction=j).distinct().order_by("pk"),
        ("email", "full_name", "title", "tz"),
    ),
    Part(
        "memberships",
        "Roles in the state, with their start and end dates.",
        lambda j: Membership.objects.filter(jurisdiction=j),
    ),
    Part("plans", "The state's action plans.", lambda j: Plan.objects.filter(jurisdiction=j)),
    Part(
        "items",
        "Every item of those plans, archived ones included.",
        lambda j: Item.objects.filter(plan__jurisdiction=j),
    ),
    Part("updates", "Every update posted on those items.", lambda j: Update.objects.filter(item__plan__jurisdiction=j)),
    Part(
        "signoffs",
        "Sign-offs on joint items, withdrawn ones included.",
        lambda j: SignOff.objects.filter(item__plan__jurisdiction=j),
    ),
    Part(
        "comments", "Comments and replies on the items.", lambda j: Comment.objects.filter(item__plan__jurisdiction=j)
    ),
    Part(
        "attachments",
        "Evidence files on the items (the files themselves are under files/attachments/).",
        lambda j: Attachment.objects.filter(item__plan__jurisdiction=j),
    ),
    Part(
        "activity",
        "The plans' activity log: every change, by whom and when.",
        lambda j: Activity.objects.filter(plan__jurisdiction=j),
    ),
    Part(
        "adoption",
        "The state's record of the joint recommendations (evidence files under files/adoption/).",
        lambda j: Adoption.objects.filter(jurisdiction=j),
    ),
    Part(
        "adoption_changes",
        "Each change to that record.",
        lambda j: AdoptionChange.objects.filter(adoption__jurisdiction=j),
    ),
    Part(
        "snapshots",
        "The plans' weekly figures, which the trends show.",
        lambda j: Snapshot.objects.filter(plan__jurisdiction=j),
    ),
    Part(
        "roundtable_attendance",
        "The state's people at roundtables.",
        lambda j: Attendance.objects.filter(jurisdiction=j),
    ),
    Part(
        "roundtable_proposals",
        "Roundtable outcomes proposed to the state, and its decisions.",
        lambda j: OutcomeProposal.objects.filter(jurisdiction=j),
    ),
    Part("nudges", "Reminders association staff sent the state.", lambda j: Nudge.objects.filter(jurisdiction=j)),
)


def takeout(job: ExportJob, out: IO[bytes], progress: Progress) -> str:
    """Write the state's zip to `out`: README.txt, then for each part a JSON file (Django's
    serialization: model, pk, fields) and a CSV of the same rows, then the evidence files."""
    jurisdiction = job.jurisdiction
    if jurisdiction is None:
        raise ValueError("A takeout is of one state.")
    now = timezone.localtime()
    counts: dict[str, int] = {}
    files: list[tuple[str, FieldFile]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, part in enumerate(PARTS):
            progress(round(80 * number / len(PARTS)), f"Writing {part.name}")
            rows = serializers.serialize("python", part.rows(jurisdiction).order_by("pk"), fields=part.fields)
            counts[part.name] = len(rows)
            archive.writestr(f"{part.name}.json", json.dumps(rows, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False))
            archive.writestr(f"{part.name}.csv", _rows_csv(rows))
        for attachment in Attachment.objects.filter(item__plan__jurisdiction=jurisdiction).order_by("pk"):
            files.append((f"files/attachments/{attachment.pk}-{_base(attachment.file.name)}", attachment.file))
        for adoption in Adoption.objects.filter(jurisdiction=jurisdiction).exclude(evidence_file="").order_by("pk"):
            files.append((f"files/adoption/{adoption.pk}-{_base(adoption.evidence_file.name)}", adoption.evidence_file))
        missing = []
        for number, (name, stored) in enumerate(files):
            progress(80 + round(19 * number / len(files)), f"Adding evidence file {number + 1} of {len(files)}")
            try:
                with stored.open("rb") as source, archive.open(name, "w") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            except FileNotFoundError:
                missing.append(name)
        archive.writestr("README.txt", _readme(jurisdiction, now, counts, len(files) - len(missing), missing))
    return f"{slugify(jurisdiction.name)}-takeout-{now:%Y-%m-%d}.zip"


def _base(name: str | None) -> str:
    return (name or "").rsplit("/", 1)[-1]


def _rows_csv(rows: list[dict[str, Any]]) -> str:
    """The serialized rows as a CSV: id, then each field (a link to another row as its id, a list
    of links as ids joined by spaces), every cell neutralized against spreadsheet formulas."""
    names = list(rows[0]["fields"]) if rows else []

    def cell(name: str) -> Callable[[dict[str, Any]], Any]:
        def value(row: dict[str, Any]) -> Any:
            found = row["fields"][name]
            if isinstance(found, list):
                return " ".join(str(v) for v in found)
            if isinstance(found, dict):
                return json.dumps(found, cls=DjangoJSONEncoder)
            if isinstance(found, str | int | float | datetime.date) or found is None:
                return found
            return str(found)

        return value

    columns = [Column("id", lambda row: row["pk"]), *(Column(name, cell(name)) for name in names)]
    text = io.StringIO()
    write_csv(columns, rows, text)
    return text.getvalue()


def _readme(
    jurisdiction: Jurisdiction, now: datetime.datetime, counts: dict[str, int], files: int, missing: list[str]
) -> str:
    lines = [
        f"Joint Plan: everything about {jurisdiction.name} ({jurisdiction.code})",
        f"Made {now:%Y-%m-%d %H:%M %Z}.",
        "",
        "Each part comes twice: NAME.json (Django's serialization: the model, the row's id as pk,",
        "and its fields, a link to another row as that row's id) and NAME.csv (the same rows, one per",
        "line, a list of links as ids separated by spaces). Times are in UTC in the JSON and in the",
        "time zone named above in the CSV. Ids that are not in these files name reference data every",
        "state shares (dimensions, the national framework, publications, recommendations, events).",
        "",
    ]
    for part in PARTS:
        lines.append(f"{part.name}: {counts[part.name]} row{'s' if counts[part.name] != 1 else ''}. {part.about}")
    lines += ["", f"files/: {files} evidence file{'s' if files != 1 else ''}, named <id>-<original name>."]
    if missing:
        lines += ["These files were listed but missing from storage:", *(f"  {name}" for name in missing)]
    return "\n".join(lines) + "\n"


# --- The national spreadsheet ----------------------------------------------------------------------


NATIONAL_COLUMNS: list[Column[Item]] = [
    *ITEM_COLUMNS,
    Column("Latest CIO update", lambda i: i.cio_narrative or "", 50),  # type: ignore[attr-defined]
    Column("CIO update posted", lambda i: i.cio_posted, 17),  # type: ignore[attr-defined]
    Column("Latest CPO update", lambda i: i.cpo_narrative or "", 50),  # type: ignore[attr-defined]
    Column("CPO update posted", lambda i: i.cpo_posted, 17),  # type: ignore[attr-defined]
]


def national_items(job: ExportJob, out: IO[bytes], progress: Progress) -> str:
    """The items of the plan that stands for each state today (archived ones left out), by state,
    with each office's latest update: an XLSX written as the rows are read, with progress every
    500 rows."""
    standing = standing_plans(Plan.objects.all(), timezone.localdate())
    items = (
        Item.objects.current()
        .filter(plan_id__in=[plan.pk for plan in standing.values()])
        .select_related(*ITEM_RELATED)
        .annotate(
            cio_narrative=latest_update("cio", "narrative"),
            cio_posted=latest_update("cio", "created_at"),
            cpo_narrative=latest_update("cpo", "narrative"),
            cpo_posted=latest_update("cpo", "created_at"),
        )
        .order_by("plan__jurisdiction__code", "due_on", "id")
    )
    total = items.count()

    def counted(rows: Iterable[Item]) -> Iterable[Item]:
        for number, item in enumerate(rows, start=1):
            if number % 500 == 0:
                progress(round(95 * number / total), f"{number:,} of {total:,} items written")
            yield item

    export = exports.Export(
        name="national-items",
        sheet="Items",
        source="Each state's standing plan: items and each office's latest update",
        columns=NATIONAL_COLUMNS,
        rows=counted(items.iterator(chunk_size=exports.CHUNK)),
        order="By state, then due date",
        note="Archived items are left out. Each office's latest update is the newest it posted on the item.",
    )
    exports.write_xlsx(export, out, user=job.requested_by, source_url=settings.SITE_URL + "/national/")
    return export.filename("xlsx", timezone.localdate())


BUILDERS: dict[str, Callable[[ExportJob, IO[bytes], Progress], str]] = {
    ExportJob.Kind.TAKEOUT: takeout,
    ExportJob.Kind.NATIONAL_ITEMS: national_items,
}
