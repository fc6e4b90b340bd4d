"""Invitations: sending (who may invite to what), the email, accepting (a new account, or a role
for an existing one), and every bad link: expired, used, revoked, tampered, replaced, twice at once."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory import invitations
from directory.invitations import InvitationError
from directory.models import Invitation, Jurisdiction, Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASPO", email="staff@naspo.example", full_name="Nora Staff")


def _invite(
    by: User, *, code: str = "ME", role: str = "cpo", email: str = "new.cpo@me.example"
) -> tuple[Invitation, str]:
    """An invitation, and the path of the link its email carries."""
    invitation = invitations.invite(
        Jurisdiction.objects.get(code=code), email=email, role=role, starts_on=timezone.localdate(), invited_by=by
    )
    return invitation, _link(invitation)


def _link(invitation: Invitation) -> str:
    row = OutgoingEmail.objects.filter(dedupe_key=f"invitation:{invitation.pk}:{invitation.times_resent}").get()
    found = re.search(r"/invitation/[^/\s]+/", row.body_text)
    assert found is not None, row.body_text
    return found.group(0)


def _accept_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Casey Morgan",
        "tz": "America/New_York",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


# --- Sending --------------------------------------------------------------------------------------


def test_the_invitation_email_says_who_invited_to_what_where_the_link_and_until_when(staff: User) -> None:
    invitation, link = _invite(staff, email="  New.CPO@ME.example ")

    assert invitation.email == "new.cpo@me.example"
    email = OutgoingEmail.objects.get(to_address="new.cpo@me.example")
    assert email.subject == "Joint Plan: Nora Staff invites you to join Maine as Chief Procurement Officer"
    expires = timezone.localtime(invitation.expires_at, datetime.UTC).date()
    assert expires - timezone.localdate() == datetime.timedelta(days=7)
    for body in (email.body_text, email.body_html):
        assert "Nora Staff invites you" in body
        assert "Maine’s Chief Procurement Officer" in body or "Maine's Chief Procurement Officer" in body
        assert "http://" in body or "https://" in body
        assert link in body
        assert "It works once, until" in body
    # Only the token's hash is stored: the link cannot be read back from the row.
    token = link.strip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash == invitations.hash_token(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.INVITATION_SENT)
    assert (event.email, event.actor, event.detail["jurisdiction"], event.detail["role"]) == (
        "new.cpo@me.example",
        staff,
        "ME",
        "cpo",
    )


def test_staff_invite_from_the_people_page(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.post(
        reverse("directory:invite", args=["ME"]),
        {"email": "new.cpo@me.example", "role": "cpo", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().role == "cpo"


def test_a_cio_is_offered_only_cio_delegates_and_viewers_and_cannot_invite_a_cpo_delegate(
    client: Client, reference_data: None
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO)
    client.force_login(cio)
    page = client.get(reverse("directory:people", args=["ID"]))
    assert [value for value, _ in page.context["form"].fields["role"].choices] == ["cio_delegate", "viewer"]

    response = client.post(
        reverse("directory:invite", args=["ID"]),
        {"email": "x@id.example", "role": "cpo_delegate", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_cpo_is_offered_only_cpo_delegates_and_viewers(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_member("ID", Membership.Role.CPO))
    page = client.get(reverse("directory:people", args=["ID"]))
    assert [value for value, _ in page.context["form"].fields["role"].choices] == ["cpo_delegate", "viewer"]


def test_a_delegate_reads_the_people_page_without_the_invite_form_or_buttons(client: Client, staff: User) -> None:
    _invite(staff, code="ID", role="cio_delegate", email="other@id.example")
    client.force_login(factories.make_member("ID", Membership.Role.CIO_DELEGATE))
    page = client.get(reverse("directory:people", args=["ID"]))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "other@id.example" in page.content.decode()
    assert "Resend</button>" not in page.content.decode()


def test_another_states_people_page_is_a_404_and_so_is_an_unknown_state(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_member("ME", Membership.Role.CIO))
    assert client.get(reverse("directory:people", args=["ID"])).status_code == 404
    assert client.get(reverse("directory:people", args=["ZZ"])).status_code == 404
    assert client.post(reverse("directory:invite", args=["ID"]), {}).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"starts_on": "2020-01-01"}, "starts_on", "Choose today or a later day."),
        ({"starts_on": "2030-13-45"}, "starts_on", "Enter a valid date."),
        ({"role": "superuser"}, "role", "Select a valid choice."),
    ],
)
def test_bad_invite_input_is_a_form_error_and_sends_nothing(
    client: Client, staff: User, data: dict[str, str], field: str, message: str
) -> None:
    client.force_login(staff)
    valid = {"email": "a@me.example", "role": "viewer", "starts_on": timezone.localdate().isoformat()}
    response = client.post(reverse("directory:invite", args=["ME"]), valid | data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Invitation.objects.exists()


def test_a_second_invitation_to_the_same_role_is_refused_resend_instead(client: Client, staff: User) -> None:
    _invite(staff, role="viewer", email="a@me.example")
    client.force_login(staff)
    response = client.post(
        reverse("directory:invite", args=["ME"]),
        {"email": "A@me.example", "role": "viewer", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "resend it instead" in response.content.decode()


def test_a_filled_principal_role_cannot_be_invited_to(client: Client, staff: User) -> None:
    factories.make_member("ME", Membership.Role.CPO, full_name="Old Cpo")
    client.force_login(staff)
    response = client.post(
        reverse("directory:invite", args=["ME"]),
        {"email": "b@me.example", "role": "cpo", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "Maine already has a Chief Procurement Officer (Old Cpo)" in response.content.decode()


# --- Accepting ------------------------------------------------------------------------------------


def test_opening_the_link_shows_the_invitation_and_changes_nothing(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)
    before = SignInEvent.objects.count()

    response = client.get(link)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Maine on Joint Plan" in html
    assert 'name="password1"' in html and 'name="tz"' in html
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert not User.objects.filter(email="new.cpo@me.example").exists()
    assert SignInEvent.objects.count() == before


def test_accepting_creates_the_account_and_role_signs_in_and_audits(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)

    response = client.post(link, _accept_data())

    assert response.status_code == 302 and response["Location"] == reverse("actionplan:home")
    user = User.objects.get(email="new.cpo@me.example")
    assert (user.full_name, user.tz, user.check_password(PASSWORD)) == ("Casey Morgan", "America/New_York", True)
    role = Membership.objects.get(user=user)
    assert (role.jurisdiction.code, role.role, role.started_on) == ("ME", "cpo", invitation.starts_on)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert client.get(reverse("actionplan:home")).context["user"] == user
    kinds = set(SignInEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"invitation_accepted", "role_granted", "signed_in"} <= kinds
    granted = SignInEvent.objects.get(user=user, kind="role_granted")
    assert granted.actor == staff and granted.detail["role"] == "cpo"


def test_a_role_starting_later_starts_then(client: Client, staff: User) -> None:
    later = timezone.localdate() + datetime.timedelta(days=30)
    invitation = invitations.invite(
        Jurisdiction.objects.get(code="ME"), email="l@me.example", role="viewer", starts_on=later, invited_by=staff
    )
    client.post(_link(invitation), _accept_data())
    assert Membership.objects.get(user__email="l@me.example").started_on == later


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password2": "something-else-entirely"}, "password2", "The two passwords differ"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "new.cpo@me.example", "password2": "new.cpo@me.example"}, "password1", "too similar"),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"tz": "Mars/Olympus"}, "tz", "Select a valid choice."),
    ],
)
def test_bad_account_input_is_a_form_error_and_writes_nothing(
    client: Client, staff: User, data: dict[str, str], field: str, message: str
) -> None:
    invitation, link = _invite(staff)
    response = client.post(link, _accept_data(**data))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_an_existing_account_is_asked_to_sign_in_and_then_only_gets_the_role(client: Client, staff: User) -> None:
    person = factories.make_member("ID", Membership.Role.VIEWER, email="known@id.example")
    invitation, link = _invite(staff, code="ME", role="viewer", email="Known@id.example")

    page = client.get(link)
    assert "already has a Joint Plan account" in page.content.decode()
    assert client.post(link, _accept_data()).status_code == 200  # signed out: nothing is made
    assert User.objects.filter(email__iexact="known@id.example").count() == 1

    client.force_login(person)
    assert "Accept the role" in client.get(link).content.decode()
    response = client.post(link)

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="known@id.example").count() == 1
    assert set(Membership.objects.filter(user=person).values_list("jurisdiction__code", "role")) == {
        ("ID", "viewer"),
        ("ME", "viewer"),
    }
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_someone_else_signed_in_cannot_accept(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)
    client.force_login(staff)
    response = client.post(link, _accept_data())
    assert "but this invitation is for new.cpo@me.example" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert not Membership.objects.filter(jurisdiction__code="ME").exists()


def test_an_expired_link_is_gone_and_says_to_ask_again(client: Client, staff: User, time_machine) -> None:  # noqa: ANN001
    invitation, link = _invite(staff)
    time_machine.move_to(invitation.expires_at + datetime.timedelta(seconds=1))
    for response in (client.get(link), client.post(link, _accept_data())):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
        assert "Ask Nora Staff to send it again" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_used_link_is_gone(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)
    client.post(link, _accept_data())
    other = Client()
    response = other.post(link, _accept_data(full_name="Someone Else"))
    assert response.status_code == 410
    assert "already been accepted" in response.content.decode()
    assert User.objects.get(email=invitation.email).full_name == "Casey Morgan"


def test_a_revoked_link_is_gone_and_the_revoke_is_audited(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)
    client.force_login(staff)
    assert client.post(reverse("directory:revoke_invitation", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == staff
    assert SignInEvent.objects.filter(kind="invitation_revoked", actor=staff).exists()

    response = Client().post(link, _accept_data())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()
    # Revoking twice says so, and changes nothing.
    again = client.post(reverse("directory:revoke_invitation", args=[invitation.pk]), follow=True)
    assert "already revoked" in again.content.decode()


def test_a_tampered_link_is_not_found(client: Client, staff: User) -> None:
    _invitation, link = _invite(staff)
    tampered = link[:-2] + ("A/" if link[-2] != "A" else "B/")
    response = client.post(tampered, _accept_data())
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert not User.objects.filter(email="new.cpo@me.example").exists()


def test_resending_makes_a_new_link_and_kills_the_old_one(client: Client, staff: User) -> None:
    invitation, old = _invite(staff)
    client.force_login(staff)
    client.post(reverse("directory:resend_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.times_resent == 1
    new = _link(invitation)
    assert new != old
    assert OutgoingEmail.objects.filter(to_address=invitation.email).count() == 2
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_cpo_cannot_resend_or_revoke_a_cio_delegates_invitation(client: Client, staff: User) -> None:
    invitation, _link_path = _invite(staff, code="ID", role="cio_delegate", email="d@id.example")
    client.force_login(factories.make_member("ID", Membership.Role.CPO))
    assert client.post(reverse("directory:resend_invitation", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("directory:revoke_invitation", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.times_resent == 0


def test_acceptance_attempts_are_throttled_per_client_address(client: Client, staff: User, settings) -> None:  # noqa: ANN001
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"accept_invitation": "3/15m/ip"}
    _invitation, link = _invite(staff)
    for _ in range(3):
        assert client.post(link, _accept_data(password2="differs-from-the-first")).status_code == 400
    response = client.post(link, _accept_data())
    assert response.status_code == 429
    assert not User.objects.filter(email="new.cpo@me.example").exists()


def test_the_service_refuses_a_principal_role_taken_since_the_invitation(staff: User) -> None:
    invitation, _link_path = _invite(staff)
    factories.make_member("ME", Membership.Role.CPO)
    with pytest.raises(InvitationError, match="already has a Chief Procurement Officer"):
        invitations.accept(invitation, user=None, full_name="X", tz="America/New_York", password=PASSWORD)
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_the_same_moment_make_one_account(reference_data: None) -> None:
    staff = factories.make_staff("NASPO", email="staff2@naspo.example")
    invitation, _link_path = _invite(staff)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait()
            invitations.accept(invitation, user=None, full_name="Twin", tz="America/New_York", password=PASSWORD)
            outcomes.append("ok")
        except InvitationError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The second waited for the first one's lock, then found the invitation accepted.
    assert sorted(outcomes) == ["accepted", "ok"], outcomes
    assert User.objects.filter(email="new.cpo@me.example").count() == 1
    assert Membership.objects.filter(jurisdiction__code="ME", role="cpo").count() == 1
    assert SignInEvent.objects.filter(kind="invitation_accepted").count() == 1


# --- The people page ------------------------------------------------------------------------------


def test_the_people_page_lists_members_by_office_pending_invitations_and_ended_roles(
    client: Client, staff: User
) -> None:
    factories.make_member("ME", Membership.Role.CIO, full_name="Current Cio")
    factories.make_member(
        "ME", Membership.Role.CPO, full_name="Former Cpo", ended_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    _invite(staff, role="cpo", email="next.cpo@me.example")
    client.force_login(staff)

    html = client.get(reverse("directory:people", args=["ME"])).content.decode()

    members = html.split('data-testid="members"')[1].split("</table>")[0]
    assert "Current Cio" in members and "Former Cpo" not in members
    assert "Chief Information Officer’s office" in members
    pending = html.split('data-testid="pending"')[1].split("</table>")[0]
    assert "next.cpo@me.example" in pending and "Resend</button>" in pending and "Revoke</button>" in pending
    ended = html.split('data-testid="ended"')[1].split("</table>")[0]
    assert "Former Cpo" in ended


def test_an_empty_people_page_says_what_to_do(client: Client, staff: User) -> None:
    client.force_login(staff)
    html = client.get(reverse("directory:people", args=["WY"])).content.decode()
    assert "Nobody holds a role in Wyoming yet. Invite its CIO" in html
    assert "No invitation is waiting for an answer." in html
    assert "No role here has ended yet." in html


def test_staff_reach_the_people_pages_from_the_home_pages_roster(client: Client, staff: User) -> None:
    client.force_login(staff)
    html = client.get(reverse("actionplan:home")).content.decode()
    assert f'href="{reverse("directory:people", args=["ME"])}"' in html


@pytest.mark.parametrize("size", [1, 6])
def test_the_people_page_costs_the_same_queries_at_any_size(
    client: Client,
    staff: User,
    django_assert_num_queries,
    size: int,  # noqa: ANN001
) -> None:
    for n in range(size):
        factories.make_member("ME", Membership.Role.VIEWER)
        factories.make_member("ME", Membership.Role.CIO_DELEGATE, ended_on=timezone.localdate())
        _invite(staff, role="viewer", email=f"p{n}@me.example")
    client.force_login(staff)
    path = reverse("directory:people", args=["ME"])
    with django_assert_num_queries(10):
        assert client.get(path).status_code == 200


def test_a_principal_role_filled_since_the_invitation_is_refused_on_the_page(client: Client, staff: User) -> None:
    invitation, link = _invite(staff)
    factories.make_member("ME", Membership.Role.CPO, full_name="Quick Cpo")
    response = client.post(link, _accept_data())
    assert response.status_code == 409
    assert "Maine already has a Chief Procurement Officer (Quick Cpo)" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_resending_an_expired_invitation_gives_it_a_new_week(client: Client, staff: User, time_machine) -> None:  # noqa: ANN001
    invitation, _old = _invite(staff)
    time_machine.move_to(invitation.expires_at + datetime.timedelta(days=1), tick=False)
    client.force_login(staff)
    client.post(reverse("directory:resend_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.expires_at - timezone.now() == datetime.timedelta(days=7)
    client.logout()
    assert client.get(_link(invitation)).status_code == 200


def test_the_link_page_shows_the_expiry_in_the_states_zone_as_the_email_does(client: Client, staff: User) -> None:
    invitation = invitations.invite(
        Jurisdiction.objects.get(code="HI"),
        email="h@hi.example",
        role="viewer",
        starts_on=timezone.localdate(),
        invited_by=staff,
    )
    html = client.get(_link(invitation)).content.decode()
    assert "HST" in html
    assert "HST" in OutgoingEmail.objects.get(to_address="h@hi.example").body_text


def test_the_national_dashboard_leads_staff_to_the_people_pages(client: Client, staff: User) -> None:
    client.force_login(staff)
    html = client.get(reverse("reports:national")).content.decode()
    assert f'href="{reverse("actionplan:home")}#national-heading">People and invitations</a>' in html
