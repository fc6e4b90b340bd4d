"""Contact import (issue 15, item 7): reading CSV and XLSX, every bad file and bad row, the
preview, applying all or nothing with the emails and audit of invitations, and re-importing."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from directory import contact_import, invitations
from directory.contact_import import Action, ImportFileError
from directory.models import Invitation, Jurisdiction, Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ["Name", "Email", "Jurisdiction", "Role", "Start date"]


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASPO", email="staff@naspo.example", full_name="Nora Staff")


def make_csv(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def make_xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def planned(content: bytes) -> contact_import.Plan:
    return contact_import.plan(contact_import.read_file(content))


def upload(client: Client, content: bytes, name: str = "people.csv") -> Any:
    return client.post(reverse("directory:contact_import"), {"file": SimpleUploadedFile(name, content)})


def preview_path(content: bytes) -> str:
    return reverse("directory:contact_import_preview", args=[contact_import.file_digest(content)])


GOOD = [
    ["Casey Morgan", "Casey@ME.example", "me", "CPO", "2030-01-15"],
    ["Ada Deputy", "ada@id.example", "ID", "Delegate of the CIO", "2030-02-01"],
    ["Val Viewer", "val@id.example", "ID", "viewer", "2030-02-01"],
]


# --- Reading --------------------------------------------------------------------------------------


def test_a_csv_is_read_with_headers_and_roles_in_any_case_or_spelling(reference_data: None) -> None:
    rows = contact_import.read_file(
        make_csv(
            [*GOOD, ["Cy", "cy@id.example", "ID", "CIO delegate", "2030-01-01"]],
            headers=["NAME", "E-mail", "state", "role", "start_date"],
        )
    )
    assert [(r.number, r.email, r.code, r.role, r.starts_on) for r in rows] == [
        (2, "casey@me.example", "ME", "cpo", datetime.date(2030, 1, 15)),
        (3, "ada@id.example", "ID", "cio_delegate", datetime.date(2030, 2, 1)),
        (4, "val@id.example", "ID", "viewer", datetime.date(2030, 2, 1)),
        (5, "cy@id.example", "ID", "cio_delegate", datetime.date(2030, 1, 1)),
    ]
    assert not any(r.errors for r in rows)


def test_an_xlsx_is_read_with_date_cells_as_dates_and_iso_text_too(reference_data: None) -> None:
    rows = contact_import.read_file(
        make_xlsx(
            [
                ["Casey Morgan", "casey@me.example", "ME", "Chief Procurement Officer", datetime.date(2030, 1, 15)],
                ["Ada Deputy", "ada@id.example", "ID", "cio_delegate", "2030-02-01"],
                [None, None, None, None, None],  # a blank row says nothing
            ]
        )
    )
    assert [(r.number, r.role, r.starts_on) for r in rows] == [
        (2, "cpo", datetime.date(2030, 1, 15)),
        (3, "cio_delegate", datetime.date(2030, 2, 1)),
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV or XLSX file"),
        ("name;email\n".encode("utf-16"), "not a CSV or XLSX file"),
        (b"\xff\xfe\xfa bad bytes", "not a CSV file in UTF-8"),
        (b"PK\x03\x04 not really a workbook", "This XLSX file cannot be read"),
        (b"Name,Email,Role\nCasey,casey@me.example,CPO\n", "no “jurisdiction” and “start date” column"),
        (b"Name,Email,Jurisdiction,Role,Start date\n", "nobody under it"),
    ],
    ids=["empty", "blank", "png", "utf16", "latin1", "broken-xlsx", "wrong-headers", "headers-only"],
)
def test_a_file_that_cannot_be_read_says_why(reference_data: None, content: bytes, says: str) -> None:
    with pytest.raises(ImportFileError) as error:
        contact_import.read_file(content)
    assert says in str(error.value)


def test_wrong_headers_name_the_expected_ones(reference_data: None) -> None:
    with pytest.raises(ImportFileError) as error:
        contact_import.read_file(b"first,last\nA,B\n")
    assert "“name”, “email”, “jurisdiction”, “role” and “start date”" in str(error.value)


def test_too_big_and_too_many_rows_are_refused_with_the_limits(reference_data: None) -> None:
    with pytest.raises(ImportFileError, match="larger than 2 MB"):
        contact_import.read_file(b"x" * (contact_import.MAX_BYTES + 1))
    rows = [[f"P{n}", f"p{n}@id.example", "ID", "viewer", "2030-01-01"] for n in range(contact_import.MAX_ROWS + 1)]
    with pytest.raises(ImportFileError, match="more than 2,000 people"):
        contact_import.read_file(make_csv(rows))


# --- Bad rows ------------------------------------------------------------------------------------


def errors_of(content: bytes) -> list[tuple[int, str, str]]:
    return [(row.number, column, message) for row, column, message in planned(content).errors]


def test_every_bad_row_is_named_by_row_and_field(reference_data: None) -> None:
    factories.make_member("ID", Membership.Role.CIO, email="cio@id.example", full_name="Dana Cio")
    content = make_csv(
        [
            ["Casey", "casey@me.example", "ME", "CPO", "2030-01-15"],
            ["Casey again", "CASEY@me.example", "ME", "viewer", "2030-01-15"],
            ["Nowhere", "no@where.example", "ZZ", "viewer", "2030-01-15"],
            ["Second CIO", "cio2@id.example", "ID", "CIO", "2030-01-15"],
            ["Wrong date", "date@id.example", "ID", "viewer", "01/15/2030"],
            ["", "noname@id.example", "ID", "viewer", "2030-01-15"],
            ["Bad email", "not-an-address", "ID", "viewer", "2030-01-15"],
            ["Bad role", "boss@id.example", "ID", "Governor", "2030-01-15"],
            ["No date", "nodate@id.example", "ID", "viewer", ""],
            ["Nothing to end", "end@id.example", "ID", "viewer", "", "2030-01-15"],
            ["Other CPO", "cpo2@me.example", "ME", "cpo", "2030-01-15"],
        ],
        headers=[*HEADERS, "End date"],
    )
    found = errors_of(content)
    assert [(number, column) for number, column, _ in found] == [
        (3, "email"),
        (4, "jurisdiction"),
        (5, "role"),
        (6, "start date"),
        (7, "name"),
        (8, "email"),
        (9, "role"),
        (10, "start date"),
        (11, "end date"),
        (12, "role"),
    ]
    messages = dict(((n, c), m) for n, c, m in found)
    assert messages[3, "email"] == "Row 3: casey@me.example is also on row 2: one row a person."
    assert "“ZZ” is not a jurisdiction's USPS code" in messages[4, "jurisdiction"]
    assert "Idaho already has a Chief Information Officer (Dana Cio)" in messages[5, "role"]
    assert "“01/15/2030” is not a date written as YYYY-MM-DD" in messages[6, "start date"]
    assert messages[7, "name"] == "Row 7: the name is missing."
    assert "“not-an-address” is not an email address" in messages[8, "email"]
    assert "“Governor” is not a role" in messages[9, "role"]
    assert "holds no Viewer role in Idaho to end" in messages[11, "end date"]
    assert "row 2 already names the Chief Procurement Officer of Maine" in messages[12, "role"]
    assert not planned(content).is_valid


# --- Preview and apply ---------------------------------------------------------------------------


def test_preview_lists_what_each_row_would_do_and_writes_nothing(client: Client, staff: User) -> None:
    factories.make_user(email="ada@id.example", full_name="Ada Deputy")
    client.force_login(staff)
    content = make_csv(GOOD)

    response = upload(client, content)

    assert response.status_code == 302
    assert response["Location"] == preview_path(content)
    page = client.get(preview_path(content)).content.decode()
    assert "Invite a new person" in page and "Invite an existing account to the role" in page
    assert "Apply the import" in page
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()
    assert [r.action for r in planned(content).rows] == [Action.CREATE, Action.CHANGE, Action.CREATE]


def test_a_file_with_errors_has_no_apply_button_and_applying_it_anyway_writes_nothing(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    content = make_csv([*GOOD, ["Nowhere", "no@where.example", "ZZ", "viewer", "2030-01-15"]])
    upload(client, content)

    page = client.get(preview_path(content)).content.decode()

    assert "The file has 1 problem" in page
    assert 'href="#row-5-jurisdiction"' in page and 'id="row-5-jurisdiction"' in page
    assert "Apply the import" not in page
    digest = contact_import.file_digest(content)
    response = client.post(
        reverse("directory:contact_import_apply", args=[digest]), {"plan": planned(content).digest()}, follow=True
    )
    assert "nothing was imported" in response.content.decode()
    assert (
        not Invitation.objects.exists()
        and not OutgoingEmail.objects.exists()
        and not SignInEvent.objects.exclude(kind="signed_in").exists()
    )


def test_a_bad_file_is_refused_on_the_upload_page_with_a_400(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = upload(client, b"\x00\x01binary", name="people.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "not a CSV or XLSX file" in page and "data-error-summary" in page
    response = client.post(reverse("directory:contact_import"), {})
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file to preview." in response.content.decode()


def test_apply_invites_ends_roles_queues_the_emails_and_audits_in_one_go(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    factories.make_user(email="ada@id.example", full_name="Ada Deputy")
    leaving = factories.make_member("ID", Membership.Role.CIO, email="old.cio@id.example", full_name="Old Cio")
    started = Membership.objects.get(user=leaving).started_on
    end_on = started + datetime.timedelta(days=30)
    rows = [
        [*GOOD[0], ""],
        [*GOOD[1], ""],
        ["Old Cio", "old.cio@id.example", "ID", "CIO", "", end_on.isoformat()],
        ["New Cio", "new.cio@id.example", "ID", "CIO", "2030-03-01", ""],
    ]
    content = make_csv(rows, headers=[*HEADERS, "End date"])
    client.force_login(staff)
    upload(client, content)
    digest = contact_import.file_digest(content)
    result = planned(content)
    # The new CIO is refused while the old one holds the role, even if ended in the same file.
    assert [r.action for r in result.rows][:3] == [Action.CREATE, Action.CHANGE, Action.END]
    assert result.rows[3].errors
    content = make_csv(rows[:3], headers=[*HEADERS, "End date"])
    upload(client, content)
    digest = contact_import.file_digest(content)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("directory:contact_import_apply", args=[digest]), {"plan": planned(content).digest()}
        )

    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "jurisdiction__code", "role", "invited_by")) == [
        ("ada@id.example", "ID", "cio_delegate", staff.pk),
        ("casey@me.example", "ME", "cpo", staff.pk),
    ]
    assert Membership.objects.get(user=leaving).ended_on == end_on
    emails = OutgoingEmail.objects.order_by("id")
    assert [e.to_address or e.user.email for e in emails if e.dedupe_key.startswith("invitation:")] == [
        "casey@me.example",
        "ada@id.example",
    ]
    casey = OutgoingEmail.objects.get(to_address="casey@me.example")
    assert casey.subject == "Joint Plan: Nora Staff invites you to join Maine as Chief Procurement Officer"
    for body in (casey.body_text, casey.body_html):
        assert "Nora Staff invites you" in body
    kinds = sorted(SignInEvent.objects.exclude(kind="signed_in").values_list("kind", "email", "actor"))
    assert kinds == [
        ("invitation_sent", "ada@id.example", staff.pk),
        ("invitation_sent", "casey@me.example", staff.pk),
        ("role_ended", "old.cio@id.example", staff.pk),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Contact list imported" in page and "What was done" in page
    assert "Apply the import" not in page


def test_importing_the_same_file_again_changes_nothing(client: Client, staff: User) -> None:
    factories.make_member("ID", Membership.Role.VIEWER, email="val@id.example")
    client.force_login(staff)
    content = make_csv(GOOD)
    contact_import.apply(content, by=staff, expected=planned(content).digest())
    counts = (Invitation.objects.count(), OutgoingEmail.objects.count(), SignInEvent.objects.count())
    assert counts[0] == 2  # Val already holds the viewer role: no invitation for her

    assert [r.action for r in planned(content).rows] == [Action.UNCHANGED] * 3
    upload(client, content)
    page = client.get(preview_path(content)).content.decode()
    assert "there is nothing to apply" in page and "Apply the import" not in page
    contact_import.apply(content, by=staff, expected=planned(content).digest())
    assert (Invitation.objects.count(), OutgoingEmail.objects.count(), SignInEvent.objects.count()) == counts
    assert Membership.objects.count() == 1


def test_a_failure_half_way_writes_nothing(staff: User) -> None:
    content = make_csv(GOOD)
    real = invitations.invite
    calls = []

    def fail_on_the_second(*args: Any, **kwargs: Any) -> Invitation:
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("another invitation took this address a moment ago")
        return real(*args, **kwargs)

    with mock.patch.object(invitations, "invite", fail_on_the_second), pytest.raises(IntegrityError):
        contact_import.apply(content, by=staff, expected=planned(content).digest())

    assert len(calls) == 2
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert not SignInEvent.objects.exists()


def test_the_view_says_so_when_applying_meets_a_conflict(client: Client, staff: User) -> None:
    client.force_login(staff)
    content = make_csv(GOOD)
    upload(client, content)
    digest = contact_import.file_digest(content)
    with mock.patch.object(invitations, "invite", side_effect=IntegrityError("taken")):
        response = client.post(
            reverse("directory:contact_import_apply", args=[digest]), {"plan": planned(content).digest()}, follow=True
        )
    assert "nothing was imported" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_plan_that_changed_since_the_preview_is_not_applied(client: Client, staff: User) -> None:
    client.force_login(staff)
    content = make_csv(GOOD)
    upload(client, content)
    previewed = planned(content).digest()
    invitations.invite(
        Jurisdiction.objects.get(code="ID"),
        email="val@id.example",
        role="viewer",
        starts_on=datetime.date(2030, 2, 1),
        invited_by=staff,
    )
    response = client.post(
        reverse("directory:contact_import_apply", args=[contact_import.file_digest(content)]),
        {"plan": previewed},
        follow=True,
    )
    assert "has changed since the preview" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_a_preview_no_longer_kept_asks_for_the_file_again(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.get(reverse("directory:contact_import_preview", args=["0" * 64]), follow=True)
    assert "Upload the file again" in response.content.decode()


def test_another_staff_member_cannot_read_or_apply_someone_elses_preview(client: Client, staff: User) -> None:
    client.force_login(staff)
    content = make_csv(GOOD)
    upload(client, content)
    client.force_login(factories.make_staff("NASCIO", email="other@nascio.example"))
    response = client.post(
        reverse("directory:contact_import_apply", args=[contact_import.file_digest(content)]),
        {"plan": planned(content).digest()},
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("size", [5, 200])
def test_the_preview_costs_the_same_queries_whatever_the_file_size(
    client: Client, staff: User, django_assert_num_queries: Any, size: int
) -> None:
    codes = list(Jurisdiction.objects.values_list("code", flat=True))
    rows = [[f"P{n}", f"p{n}@x.example", codes[n % len(codes)], "viewer", "2030-01-01"] for n in range(size)]
    factories.make_user(email="p1@x.example")
    client.force_login(staff)
    content = make_csv(rows)
    upload(client, content)
    # The viewer's session, account, staff role and second factors (4), then the jurisdictions,
    # the accounts, the roles and the pending invitations the file names (4).
    with django_assert_num_queries(8):
        assert client.get(preview_path(content)).status_code == 200


def test_a_role_ended_by_someone_else_while_applying_undoes_the_whole_import(staff: User) -> None:
    leaving = factories.make_member("ID", Membership.Role.VIEWER, email="old@id.example")
    content = make_csv(
        [[*GOOD[0], ""], ["Old", "old@id.example", "ID", "viewer", "", "2030-01-01"]], [*HEADERS, "End date"]
    )
    expected = planned(content).digest()
    real_plan = contact_import.plan

    def plan_then_the_admin_ends_it(rows: list[contact_import.Row]) -> contact_import.Plan:
        result = real_plan(rows)
        Membership.objects.filter(user=leaving).update(ended_on=datetime.date(2029, 12, 31))
        return result

    with mock.patch.object(contact_import, "plan", plan_then_the_admin_ends_it), pytest.raises(ImportFileError):
        contact_import.apply(content, by=staff, expected=expected)
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()
    assert Membership.objects.get(user=leaving).ended_on is None  # the admin's change was inside the undone transaction


def test_an_xlsx_upload_is_previewed_and_a_date_cell_with_a_time_or_a_number_is_refused(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    content = make_xlsx(
        [
            ["Casey", "casey@me.example", "ME", "CPO", datetime.date(2030, 1, 15)],
            ["Ada", "ada@id.example", "ID", "viewer", datetime.datetime(2030, 1, 15, 9, 30)],  # noqa: DTZ001
            ["Val", "val@id.example", "ID", "viewer", 47000],
        ]
    )
    assert upload(client, content, name="people.xlsx").status_code == 302
    page = client.get(preview_path(content)).content.decode()
    assert "Invite a new person" in page
    assert "Row 3: the start date “2030-01-15 09:30:00” is not a date written as YYYY-MM-DD." in page
    assert "Row 4: the start date “47000” is not a date written as YYYY-MM-DD." in page


def test_what_was_done_says_when_in_the_viewers_zone(client: Client, reference_data: None, clock: Any) -> None:
    staff = factories.make_staff("NASPO", email="boise@naspo.example", full_name="Bo Staff", tz="America/Boise")
    client.force_login(staff)
    content = make_csv(GOOD[:1])
    upload(client, content)
    response = client.post(
        reverse("directory:contact_import_apply", args=[contact_import.file_digest(content)]),
        {"plan": planned(content).digest()},
        follow=True,
    )
    assert "was applied Dec 9, 2026, 10:00 a.m. MST" in response.content.decode()
