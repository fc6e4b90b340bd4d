"""The pages and commands people use: email preferences, the signed unsubscribe link (one-click
included), the staff delivery log, and the dry-run twins of the periodic scans."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import signing
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import Membership, User
from notifications import services
from notifications.forms import PreferenceForm
from notifications.models import Preference, ReminderSent
from outbox import emails, tokens
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, at, days, deliver_all, html_of

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = OutgoingEmail.Status
PREFERENCES = reverse("notifications:preferences")
LOG = reverse("notifications:delivery_log")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def unsubscribe_url(user: User, topic: str) -> str:
    return reverse("notifications:unsubscribe", args=[tokens.make(user, topic)])


def form_data(pref: Preference, **changes: object) -> dict[str, object]:
    """What the preferences form posts as shown for `pref` (unticked boxes are left out), changed."""
    values = {name: getattr(pref, name) for name in PreferenceForm.Meta.fields} | changes
    return {name: ("on" if value is True else value) for name, value in values.items() if value is not False}


def pref_of(user: User) -> Preference:
    return Preference.objects.get(user=user)


# --- Preferences --------------------------------------------------------------------------------


def test_preferences_page_shows_the_form_and_the_next_digest_in_local_time(client: Client, idaho: State) -> None:
    response = signed_in(client, idaho.cio).get(PREFERENCES)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Email preferences" in page
    assert 'name="digest_weekday"' in page
    assert 'name="reminders_mention"' in page
    assert "Monday, Dec 14, 8:00 a.m." in page  # Boise time; 15:00 UTC


def test_saving_preferences_moves_the_next_digest(client: Client, idaho: State) -> None:
    pref = services.preference_for(idaho.cio, now=NOW)

    response = signed_in(client, idaho.cio).post(
        PREFERENCES, form_data(pref, digest_weekday=4, digest_hour=15, reminders_stale=False)
    )

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    pref.refresh_from_db()
    assert (pref.digest_weekday, pref.digest_hour, pref.reminders_stale, pref.reminders_due) == (4, 15, False, True)
    assert pref.next_digest_at == at(WEDNESDAY + days(2), 15)  # Friday 15:00 in Boise
    follow = client.get(PREFERENCES)
    assert "Your email preferences are saved." in follow.content.decode()
    assert "Friday, Dec 11, 3:00 p.m." in follow.content.decode()


def test_an_impossible_hour_is_refused_on_its_field(client: Client, idaho: State) -> None:
    pref = services.preference_for(idaho.cio, now=NOW)

    response = signed_in(client, idaho.cio).post(PREFERENCES, form_data(pref, digest_hour=24))

    assert response.status_code == 200
    assert response.context["form"].errors["digest_hour"]
    assert pref_of(idaho.cio).digest_hour == 8


def test_preferences_need_signing_in(client: Client, idaho: State) -> None:
    response = client.get(PREFERENCES)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={PREFERENCES}"


# --- Unsubscribing ------------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_first_and_changes_nothing(client: Client, idaho: State) -> None:
    services.preference_for(idaho.cio, now=NOW)

    response = client.get(unsubscribe_url(idaho.cio, "digest"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop the weekly digest?" in page
    assert "dana@idaho.example" in page
    assert pref_of(idaho.cio).digest is True


def test_the_unsubscribe_button_switches_that_email_off(client: Client, idaho: State) -> None:
    services.preference_for(idaho.cio, now=NOW)

    response = client.post(unsubscribe_url(idaho.cio, "digest"))

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert "dana@idaho.example will no longer receive the weekly digest." in response.content.decode()
    pref = pref_of(idaho.cio)
    assert pref.digest is False
    assert all(getattr(pref, name) for name in Preference.REMINDER_FIELDS)


def test_one_click_unsubscribe_from_a_mail_provider_works_without_cookie_or_csrf_token(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    """RFC 8058: the provider POSTs `List-Unsubscribe=One-Click` to the header's link, nothing else."""
    idaho.item(due_on=WEDNESDAY + days(7))
    services.queue_reminders(now=NOW)
    deliver_all()
    (message,) = outbox
    link = message.message()["List-Unsubscribe"].strip("<>")
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(
        link.removeprefix("https://jointplan.example.org"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    pref = pref_of(idaho.cio)
    assert not any(getattr(pref, name) for name in Preference.REMINDER_FIELDS)
    assert pref.digest is True  # the link in a reminder stops reminders, not the digest


def test_the_unsubscribe_link_in_a_digest_email_stops_the_digest(idaho: State, outbox: list[EmailMessage]) -> None:
    idaho.item(due_on=WEDNESDAY + days(10))
    services.queue_digests(now=NOW)
    services.queue_digests(now=at(WEDNESDAY + days(5), 8))
    deliver_all()
    (message,) = outbox
    link = message.message()["List-Unsubscribe"].strip("<>")
    assert link in message.body
    assert link in html_of(message)

    Client(enforce_csrf_checks=True).post(
        link.removeprefix("https://jointplan.example.org"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert pref_of(idaho.cio).digest is False


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", ["not-a-token", "tampered"])
def test_an_invalid_unsubscribe_link_says_so_and_changes_nothing(
    client: Client, idaho: State, method: str, token: str
) -> None:
    services.preference_for(idaho.cio, now=NOW)
    if token == "tampered":
        good = tokens.make(idaho.cio, "digest")
        token = good[:-3] + ("abc" if not good.endswith("abc") else "xyz")

    response = getattr(client, method)(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert pref_of(idaho.cio).digest is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_unsubscribe_link_says_so_and_changes_nothing(
    client: Client, idaho: State, clock: TimeMachineFixture, method: str
) -> None:
    services.preference_for(idaho.cio, now=NOW)
    url = unsubscribe_url(idaho.cio, "digest")
    assert client.get(url).status_code == 200  # still fine on the last day

    clock.move_to(NOW + datetime.timedelta(seconds=tokens.MAX_AGE_SECONDS + 60), tick=False)
    response = getattr(client, method)(url)

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert pref_of(idaho.cio).digest is True


def test_an_unsubscribe_link_for_a_deactivated_account_is_not_valid(client: Client, idaho: State) -> None:
    url = unsubscribe_url(idaho.cio, "digest")
    User.objects.filter(pk=idaho.cio.pk).update(is_active=False)

    assert client.post(url).status_code == 400


def test_a_token_for_an_unknown_topic_is_not_valid(client: Client, idaho: State) -> None:
    token = signing.dumps({"u": idaho.cio.pk, "t": "is_superuser"}, salt=tokens.SALT, compress=True)

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert not Preference.objects.filter(user=idaho.cio).exists()


def test_resubscribing_is_one_save_on_the_preferences_page(client: Client, idaho: State) -> None:
    services.preference_for(idaho.cio, now=NOW)
    client.post(unsubscribe_url(idaho.cio, "digest"))
    pref = pref_of(idaho.cio)
    assert pref.digest is False
    page = signed_in(client, idaho.cio).get(PREFERENCES).content.decode()
    assert 'name="digest" id="id_digest"' in page or 'id="id_digest"' in page

    client.post(PREFERENCES, form_data(pref, digest=True))

    pref.refresh_from_db()
    assert pref.digest is True
    assert pref.next_digest_at == at(WEDNESDAY + days(5), 8)


# --- The delivery log ---------------------------------------------------------------------------


@pytest.fixture
def log_rows(idaho: State, settings: Settings) -> dict[str, OutgoingEmail]:
    """A sent reminder to Idaho's CIO, a digest refused by the server for Montana's CIO, and a digest
    for Idaho's CPO that was never written (no valid address)."""
    montana = factories.make_member("MT", Role.CIO, email="cio@montana.example")
    sent = emails.queue(
        OutgoingEmail.Kind.REMINDER,
        user=idaho.cio,
        dedupe_key="r1",
        template="reminders",
        context={"sections": [], "count": 1},
    )
    deliver_all()
    settings.MAILERS = {"default": {"BACKEND": "tests.outbox.backends.RefusingBackend"}}
    refused = emails.queue(
        OutgoingEmail.Kind.DIGEST,
        user=montana,
        dedupe_key="d1",
        template="reminders",
        context={"sections": [], "count": 1},
    )
    deliver_all()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    User.objects.filter(pk=idaho.cpo.pk).update(email="not-an-address")
    idaho.cpo.refresh_from_db()
    unwritten = emails.queue(
        OutgoingEmail.Kind.DIGEST, user=idaho.cpo, dedupe_key="d2", template="reminders", context={}
    )
    rows = {"sent": sent, "refused": refused, "unwritten": unwritten}
    for row in rows.values():
        assert row is not None
        row.refresh_from_db()
    return rows  # type: ignore[return-value]


def shown(response: object) -> set[str]:
    return {row.dedupe_key for row in response.context["rows"]}  # type: ignore[attr-defined]


def test_staff_see_every_email_with_why_a_failed_one_failed(client: Client, log_rows: dict[str, OutgoingEmail]) -> None:
    staff = factories.make_staff("NASPO")

    response = signed_in(client, staff).get(LOG)

    assert response.status_code == 200
    assert shown(response) == {"r1", "d1", "d2"}
    page = response.content.decode()
    assert "0 queued, 0 sending, 1 sent, 2 failed" in page
    assert "cio@montana.example: 550" in page
    assert "No such user" in page
    assert "No valid email address for Marcus Oyelaran." in page
    # Nothing to resend for the email that was never written.
    assert reverse("notifications:resend", args=[log_rows["refused"].pk]) in page
    assert reverse("notifications:resend", args=[log_rows["unwritten"].pk]) not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=digest", {"d1", "d2"}),
        ("kind=reminder", {"r1"}),
        ("status=failed", {"d1", "d2"}),
        ("status=sent", {"r1"}),
        ("recipient=idaho", {"r1"}),
        ("recipient=MONTANA", {"d1"}),
        ("jurisdiction=id", {"r1", "d2"}),
        ("jurisdiction=MT", {"d1"}),
        ("kind=digest&jurisdiction=ID", {"d2"}),
        ("jurisdiction=GU", set()),
    ],
)
def test_staff_filter_the_log(
    client: Client, log_rows: dict[str, OutgoingEmail], query: str, expected: set[str]
) -> None:
    response = signed_in(client, factories.make_staff()).get(f"{LOG}?{query}")

    assert response.status_code == 200
    assert shown(response) == expected


def test_staff_resend_a_failed_email(
    client: Client, log_rows: dict[str, OutgoingEmail], outbox: list[EmailMessage]
) -> None:
    refused = log_rows["refused"]

    response = signed_in(client, factories.make_staff()).post(reverse("notifications:resend", args=[refused.pk]))

    assert response.status_code == 302
    assert response["Location"] == LOG
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.last_error) == (Status.QUEUED, 0, "")
    assert "The email to cio@montana.example is queued again." in client.get(LOG).content.decode()
    assert deliver_all().sent == 1
    assert [m.to for m in outbox][-1] == ["cio@montana.example"]


def test_resending_an_email_that_was_never_written_says_why_not(
    client: Client, log_rows: dict[str, OutgoingEmail]
) -> None:
    unwritten = log_rows["unwritten"]

    signed_in(client, factories.make_staff()).post(reverse("notifications:resend", args=[unwritten.pk]))

    unwritten.refresh_from_db()
    assert unwritten.status == Status.FAILED
    assert "was never written, so there is nothing to resend" in client.get(LOG).content.decode()


def test_the_delivery_log_is_for_staff_only(client: Client, log_rows: dict[str, OutgoingEmail], idaho: State) -> None:
    signed_in(client, idaho.cio)

    assert client.get(LOG).status_code == 403
    assert client.post(reverse("notifications:resend", args=[log_rows["refused"].pk])).status_code == 403
    assert OutgoingEmail.objects.get(pk=log_rows["refused"].pk).status == Status.FAILED


def test_the_delivery_log_asks_strangers_to_sign_in(client: Client, log_rows: dict[str, OutgoingEmail]) -> None:
    response = client.get(LOG)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={LOG}"
    resend = client.post(reverse("notifications:resend", args=[log_rows["refused"].pk]))
    assert resend.status_code == 302
    assert resend["Location"].startswith(reverse("login"))


def test_resend_is_post_only(client: Client, log_rows: dict[str, OutgoingEmail]) -> None:
    response = signed_in(client, factories.make_staff()).get(
        reverse("notifications:resend", args=[log_rows["refused"].pk])
    )

    assert response.status_code == 405


# --- The commands -------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_send_digests_dry_run_lists_who_would_get_what_and_sends_nothing(idaho: State) -> None:
    idaho.item(due_on=WEDNESDAY + days(10))
    services.queue_digests(now=NOW)
    before = dict(Preference.objects.values_list("user_id", "next_digest_at"))

    output = run("send_digests", "--dry-run", "--at", "2026-12-14T15:00Z")

    assert output.splitlines() == [
        "dana@idaho.example (America/Boise, due 2026-12-14T15:00:00+00:00): digest",
        "marcus@idaho.example (America/Boise, due 2026-12-14T15:00:00+00:00): nothing (quiet week)",
        "2 digests due at 2026-12-14T15:00:00+00:00; nothing was sent (dry run).",
    ]
    assert not OutgoingEmail.objects.exists()
    assert dict(Preference.objects.values_list("user_id", "next_digest_at")) == before


def test_send_reminders_dry_run_lists_who_would_get_what_and_sends_nothing(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    item = idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")

    output = run("send_reminders", "--dry-run", "--at", "2026-12-09T10:00-07:00")

    assert output.splitlines() == [
        "dana@idaho.example (America/Boise): 1 reminder(s)",
        f"  - Due in 7 days: Records retention schedule [due7:{item.pk}:2026-12-16]",
        "1 people would get reminders at 2026-12-09T10:00:00-07:00.",
    ]
    assert not OutgoingEmail.objects.exists()
    assert not ReminderSent.objects.exists()
    assert outbox == []


def test_send_reminders_for_real_queues_and_delivers(idaho: State, outbox: list[EmailMessage]) -> None:
    idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")

    output = run("send_reminders", "--at", "2026-12-09T17:00Z")

    assert output.splitlines()[-1] == "Delivered 1, retrying 0, failed 0."
    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.subject == "Joint Plan: 1 item needs you"
    assert "Records retention schedule" in message.body
    assert "Records retention schedule" in html_of(message)


@pytest.mark.parametrize("command", ["send_digests", "send_reminders"])
@pytest.mark.parametrize("value", ["next tuesday", "2026-02-30T10:00", "14/12/2026 08:00"])
def test_a_malformed_at_is_one_clear_error(idaho: State, command: str, value: str) -> None:
    with pytest.raises(CommandError) as error:
        run(command, "--dry-run", "--at", value)

    assert str(error.value) == f"--at: {value!r} is not a date and time such as 2026-11-23T13:00Z"
    assert "\n" not in str(error.value)
