"""The Django admin as the staff's back office: association staff get in through their staff
membership (never as superusers), with the staff group's permissions; every model has pages;
logs are read-only; members of a state are kept out."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialApp
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from actionplan import services
from actionplan.models import Activity, AdoptionChange, Attachment, Item, SignOff, Update
from directory import invitations, permissions
from directory.admin_access import sync_staff_group
from directory.models import IdentityProvider, Invitation, Membership, SeededRow, SignInEvent, StaffMembership, User
from library.models import FrameworkItem
from notifications.models import Nudge, ReminderSent
from outbox.models import OutgoingEmail
from reports.models import ExportJob, Snapshot
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")

PROJECT_APPS = ["outbox", "directory", "library", "roundtables", "actionplan", "notifications", "reports"]
PROJECT_MODELS = [m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()]
# Models edited on their parent's page rather than on pages of their own (tests/library/test_admin.py).
EDITED_INLINE = {FrameworkItem}
REGISTERED = [m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS]
# Logs and what states did: read-only for staff (and for everyone, superusers included).
READ_ONLY = [
    Item,
    Update,
    SignOff,
    Attachment,
    Activity,
    AdoptionChange,
    SeededRow,
    SignInEvent,
    Invitation,
    ReminderSent,
    Nudge,
    OutgoingEmail,
    Snapshot,
]


# Other packages' models that staff manage too: a state identity provider's protocol settings.
STAFF_MANAGED_THIRD_PARTY = {"socialaccount.socialapp"}


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff() -> User:
    return factories.make_staff("NASCIO", email="analyst@nascio.example", full_name="Morgan Analyst")


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


# --- Who gets in --------------------------------------------------------------------------------


def test_staff_get_into_the_admin_through_their_staff_membership(staff_client: Client, staff: User) -> None:
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert (staff.is_staff, staff.is_superuser) == (False, False)
    assert "Joint Plan back office" in response.content.decode()


def test_the_admins_sign_in_sends_staff_to_the_sites_sign_in_and_back_to_the_admin(client: Client, staff: User) -> None:
    """The admin has no sign-in of its own, so every password is tried on the throttled page."""
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/admin/")

    response = client.post(response["Location"], {"login": staff.email, "password": factories.PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_state_member_is_sent_to_the_admins_sign_in(client: Client) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@id.example")
    client.force_login(cio)

    for path in ["/admin/", _url(Item, "changelist"), _url(Membership, "changelist")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response["Location"]).path == "/admin/login/", path


def test_a_password_posted_to_the_admins_sign_in_page_is_not_tried(client: Client, staff: User) -> None:
    """Not even the right one: passwords are tried only on the site's sign-in page, which throttles."""
    response = client.post("/admin/login/", {"username": staff.email, "password": factories.PASSWORD})

    assert (response.status_code, urlsplit(response["Location"]).path) == (302, "/sign-in/")
    assert "_auth_user_id" not in client.session


def test_a_state_member_cannot_sign_in_to_the_admin(client: Client) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@id.example")
    client.post("/sign-in/?next=/admin/", {"login": cio.email, "password": factories.PASSWORD})

    response = client.get("/admin/")

    assert urlsplit(response["Location"]).path == "/admin/login/"
    assert "not authorized" in client.get(response["Location"]).content.decode()


def test_a_superuser_still_gets_in_and_may_do_what_staff_may_not(client: Client) -> None:
    client.force_login(factories.make_user(email="root@example.org", is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200
    assert client.get(_url(Group, "changelist")).status_code == 200
    assert client.get(_url(StaffMembership, "add")).status_code == 200


def test_admin_access_ends_with_the_staff_membership(staff_client: Client, staff: User) -> None:
    assert staff_client.get(_url(Item, "changelist")).status_code == 200

    StaffMembership.objects.filter(user=staff).update(ended_on=timezone.localdate())

    for path in ["/admin/", _url(Item, "changelist")]:
        response = staff_client.get(path)
        assert (response.status_code, urlsplit(response["Location"]).path) == (302, "/admin/login/")
    assert not staff.has_perm("actionplan.view_item")


def test_a_staff_membership_that_ends_tomorrow_still_lets_them_in_today(staff_client: Client, staff: User) -> None:
    StaffMembership.objects.filter(user=staff).update(ended_on=timezone.localdate() + datetime.timedelta(days=1))

    assert staff_client.get("/admin/").status_code == 200


def test_the_site_shows_the_admin_link_to_staff_and_not_to_state_members(client: Client, staff: User) -> None:
    link = f'href="{reverse("admin:index")}"'
    client.force_login(staff)
    assert link in client.get("/").content.decode()

    client.force_login(factories.make_member("ID", Membership.Role.CIO, email="cio@id.example"))
    assert link not in client.get("/").content.decode()


# --- The staff group ----------------------------------------------------------------------------


def _group_permissions() -> set[str]:
    group = Group.objects.get(name=permissions.STAFF_GROUP)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_staff_group_holds_exactly_the_listed_permissions() -> None:
    assert _group_permissions() == permissions.staff_admin_permission_names()


def test_the_staff_group_has_no_power_over_accounts_permissions_or_admin_access() -> None:
    granted = _group_permissions()

    assert not {name for name in granted if name.startswith(("auth.", "admin.", "sessions.", "contenttypes."))}
    assert granted & {f"directory.{a}_user" for a in ("add", "change", "delete")} == set()
    assert granted & {f"directory.{a}_staffmembership" for a in ("add", "change", "delete")} == set()
    # Turnover is history: roles end, they are not deleted; logs are never written here.
    assert "directory.delete_membership" not in granted
    writing_logs = {
        f"{m._meta.app_label}.{a}_{m._meta.model_name}" for m in READ_ONLY for a in ("add", "change", "delete")
    }
    assert granted & writing_logs == set()


def test_the_staff_group_is_put_back_as_listed_after_a_migrate() -> None:
    group = Group.objects.get(name=permissions.STAFF_GROUP)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="view_item"))

    sync_staff_group(apps=apps, using="default")

    assert _group_permissions() == permissions.staff_admin_permission_names()


def test_staff_hold_the_groups_permissions_without_being_added_to_it(staff: User) -> None:
    assert not staff.groups.exists()
    assert staff.has_perm("library.add_publication")
    assert staff.has_perm("directory.change_membership")
    assert not staff.has_perm("directory.change_user")
    assert not staff.has_perm("auth.change_group")


# --- Every model, and what staff may do with it ------------------------------------------------


def test_every_model_of_every_app_is_in_the_admin() -> None:
    missing = {m._meta.label for m in PROJECT_MODELS} - {m._meta.label for m in REGISTERED}
    assert missing == {m._meta.label for m in EDITED_INLINE}


def test_every_model_says_what_staff_may_do_with_it() -> None:
    listed = set(permissions.STAFF_ADMIN_PERMISSIONS)
    assert {m._meta.label_lower for m in PROJECT_MODELS} | STAFF_MANAGED_THIRD_PARTY == listed
    assert all("view" in actions for actions in permissions.STAFF_ADMIN_PERMISSIONS.values())


@pytest.fixture
def world(staff: User) -> Item:
    """An item with an update, a sign-off, a comment, evidence and their activity, an adoption
    record with its history, a reminder told by email, a nudge, a weekly snapshot, a takeout asked for and
    an invitation and a state's identity provider: every list
    page has a row to open."""
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@id.example")
    item = factories.make_item(factories.make_plan("ID"), cio_owner=cio, title="Meet on a fixed rhythm")
    services.post_update(item, author=cio, side="cio", status="on_track", progress=40, narrative="Under way.")
    services.add_comment(item, author=cio, body="We met on Tuesday.")
    services.sign_off(item, by=cio, side="cio")
    Attachment.objects.create(
        item=item,
        uploaded_by=cio,
        file="evidence/1/x",
        original_name="charter.pdf",
        content_type="application/pdf",
        size=9,
    )
    adoption = factories.make_adoption("ID", factories.make_recommendations(1)[0])
    AdoptionChange.objects.create(adoption=adoption, kind=AdoptionChange.Kind.RECORDED, status=adoption.status)
    email = OutgoingEmail.objects.create(kind="reminder", to_address=cio.email, dedupe_key="reminder:1", recipient=cio)
    ReminderSent.objects.create(user=cio, key=f"due7:{item.pk}", email=email)
    Nudge.objects.create(jurisdiction=item.plan.jurisdiction, sent_by=staff, late_items=1).recipients.add(cio)
    Snapshot.objects.create(
        plan=item.plan, dimension=item.dimension, week_starts_on=datetime.date(2026, 11, 30), items=1
    )
    ExportJob.objects.create(requested_by=cio, kind=ExportJob.Kind.TAKEOUT, jurisdiction=item.plan.jurisdiction)
    invitations.invite(
        item.plan.jurisdiction,
        email="deputy@id.example",
        role="viewer",
        starts_on=timezone.localdate(),
        invited_by=staff,
    )
    app = SocialApp.objects.create(provider="openid_connect", provider_id="idaho", name="Idaho sign-in", client_id="c")
    IdentityProvider.objects.create(app=app, jurisdiction=item.plan.jurisdiction, email_domains="idaho.gov")
    return item


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label_lower)
def test_staff_open_every_models_list_and_rows(world: Item, staff_client: Client, model: type[Model]) -> None:
    changelist = _url(model, "changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "rhythm"}).status_code == 200
    row = model._default_manager.first()
    if row is not None:
        assert staff_client.get(_url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label_lower)
def test_staff_cannot_add_change_or_delete_a_log(world: Item, staff_client: Client, model: type[Model]) -> None:
    row = model._default_manager.first()
    assert row is not None

    listing = staff_client.get(_url(model, "changelist")).content.decode()

    assert _url(model, "add") not in listing
    assert staff_client.get(_url(model, "add")).status_code == 403
    assert staff_client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert staff_client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=row.pk).exists()


def test_staff_record_a_role_but_cannot_grant_admin_access_or_change_an_account(
    staff_client: Client, staff: User
) -> None:
    person = factories.make_user(email="new.cpo@id.example")

    assert staff_client.get(_url(Membership, "add")).status_code == 200
    assert staff_client.get(_url(StaffMembership, "add")).status_code == 403
    assert staff_client.get(_url(Group, "changelist")).status_code == 403
    response = staff_client.post(
        _url(User, "change", staff.pk),
        {"email": staff.email, "full_name": staff.full_name, "tz": staff.tz, "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert (staff.is_staff, staff.is_superuser) == (False, False)
    assert staff_client.post(_url(User, "delete", person.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()


# --- Exporting items ----------------------------------------------------------------------------


def _export(client: Client, items: list[Item]) -> list[list[str]]:
    response = client.post(
        _url(Item, "changelist"),
        {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: [item.pk for item in items], "index": 0},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="items-')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_staff_export_the_selected_items_as_csv(world: Item, staff_client: Client) -> None:
    other = factories.make_item(world.plan, title="Not selected")

    rows = _export(staff_client, [world])

    header, *body = rows
    assert header[:5] == ["Jurisdiction", "Code", "Plan", "Dimension", "Item"]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["Jurisdiction"] == "Idaho"
    assert row["Code"] == "ID"
    assert row["Plan"] == "FY2027"
    assert row["Item"] == "Meet on a fixed rhythm"
    assert row["Progress (%)"] == "40"
    assert row["CIO status"] == "On track"
    assert row["CIO owner"].endswith("<cio@id.example>")
    assert other.title not in str(rows)


def test_the_export_makes_formulas_inert(world: Item, staff_client: Client) -> None:
    Item.objects.filter(pk=world.pk).update(title='=HYPERLINK("https://evil.example","x")')
    User.objects.filter(email="cio@id.example").update(full_name="@SUM(1+1)")
    second = factories.make_item(world.plan, title="Budget;-2+3 on a split")

    rows = _export(staff_client, [world, second])

    cells = {cell for row in rows[1:] for cell in row}
    assert '\'=HYPERLINK("https://evil.example","x")' in cells
    assert "'@SUM(1+1) <cio@id.example>" in cells
    assert "Budget;'-2+3 on a split" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@")) or (cell.startswith("-") and cell != "-")]


def test_a_state_member_cannot_export(world: Item, client: Client) -> None:
    client.force_login(factories.make_member("ID", Membership.Role.CPO, email="cpo@id.example"))

    response = client.post(
        _url(Item, "changelist"),
        {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: [world.pk], "index": 0},
    )

    assert (response.status_code, urlsplit(response["Location"]).path) == (302, "/admin/login/")


# --- Query counts -------------------------------------------------------------------------------


def _changelist_queries(client: Client) -> int:
    client.get(_url(Item, "changelist"))  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(Item, "changelist")).status_code == 200
    return len(queries)


def test_the_item_list_reads_a_fixed_number_of_queries(
    staff_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    plan = factories.make_plan("ID")
    owners = [factories.make_member("ID", role, email=f"{role}@id.example") for role in ("cio", "cpo")]
    factories.make_item(plan, cio_owner=owners[0], cpo_owner=owners[1])
    few = _changelist_queries(staff_client)

    for n in range(30):
        other = factories.make_user(email=f"owner{n}@me.example")
        factories.make_item(factories.make_plan("ME", f"FY{2000 + n}"), cio_owner=other, cpo_owner=owners[1])
    many = _changelist_queries(staff_client)

    assert many == few
    # The session, the user, their staff membership, their permissions (3), the two filters' choices,
    # two counts, the page of items with their plans, jurisdictions, dimensions and owners, and
    # the date hierarchy (2).
    with django_assert_max_num_queries(13):
        staff_client.get(_url(Item, "changelist"))


def test_staff_set_up_a_states_identity_provider(staff_client: Client) -> None:
    """Its protocol settings as a Social application, then whose it is and the domains it covers."""
    response = staff_client.post(
        "/admin/socialaccount/socialapp/add/",
        {
            "provider": "openid_connect",
            "provider_id": "idaho",
            "name": "Idaho state sign-in",
            "client_id": "joint-plan",
            "secret": "s3cret",
            "key": "",
            "settings": '{"server_url": "https://login.idaho.gov"}',
        },
    )
    assert response.status_code == 302, response.content.decode()
    app = SocialApp.objects.get()
    response = staff_client.post(
        _url(IdentityProvider, "add"),
        {
            "app": app.pk,
            "jurisdiction": factories.jurisdiction("ID").pk,
            "email_domains": "Idaho.gov\n\nitd.idaho.gov",
            "require_sso": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    provider = IdentityProvider.objects.get()
    assert (provider.domains, provider.require_sso) == (["idaho.gov", "itd.idaho.gov"], True)
