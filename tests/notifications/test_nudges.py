"""A nudge: one click by staff sends each of a state's late owners one email (the item's owner
while they act for the office, else that office's principal), records it in the state's activity,
and goes at most once a week, even when two staff members click at the same moment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from actionplan.models import Activity, Item, ItemSide, Update, Via
from directory.models import Jurisdiction, Membership, User
from notifications import nudges, reading
from notifications.models import Nudge, ReplyAddress
from outbox import inbound
from outbox.models import OutgoingEmail
from tests import factories
from tests.access import error_messages
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days, deliver_all, html_of, while_another_transaction_holds

LONG_AGO = NOW - days(200)
FAR = WEDNESDAY + days(120)
# Within the plan's 30-day cadence: a never-updated, not-started item due further off than that is
# waiting (actionplan.rules.is_waiting), not late, so the never-updated items here are due soon.
SOON = WEDNESDAY + days(25)


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASCIO", email="staff@nascio.example", full_name="Sam Staff")


def _late(idaho: State) -> None:
    began = WEDNESDAY - days(200)
    idaho.item(due_on=SOON, title="Broadband map", created_at=LONG_AGO, starts_on=began)
    idaho.item(
        side=ItemSide.CPO, due_on=FAR, title="Cloud contract", created_at=LONG_AGO, starts_on=began,
        last_update_at=NOW - days(45),
    )  # fmt: skip
    idaho.item(due_on=FAR, title="Fresh one", created_at=LONG_AGO, starts_on=began, last_update_at=NOW - days(1))


@pytest.mark.django_db
def test_a_nudge_emails_each_late_owner_once_and_shows_in_the_states_activity(
    idaho: State, staff: User, outbox: list[EmailMessage]
) -> None:
    _late(idaho)
    sent = nudges.nudge(Jurisdiction.objects.get(code="ID"), by=staff)

    assert set(sent.recipients.all()) == {idaho.cio, idaho.cpo}
    assert sent.late_items == 2
    deliver_all()
    by_person = {message.to[0]: message for message in outbox}
    assert set(by_person) == {idaho.cio.email, idaho.cpo.email}
    assert "Broadband map" in by_person[idaho.cio.email].body
    assert "never updated" in by_person[idaho.cio.email].body
    assert "Fresh one" not in by_person[idaho.cio.email].body
    assert "Cloud contract" in by_person[idaho.cpo.email].body
    assert "Sam Staff" in by_person[idaho.cpo.email].body
    (activity,) = Activity.objects.filter(plan=idaho.plan, verb=Activity.Verb.NUDGED)
    assert activity.actor == staff
    assert str(idaho.cio) in activity.new_value and str(idaho.cpo) in activity.new_value


@pytest.mark.django_db
def test_an_item_whose_owner_left_reaches_that_offices_principal(idaho: State, staff: User) -> None:
    deputy = factories.make_member("ID", Membership.Role.CPO_DELEGATE, email="deputy@id.example")
    idaho.item(
        side=ItemSide.CPO, due_on=SOON, title="Orphan", created_at=LONG_AGO, starts_on=WEDNESDAY - days(200),
        cpo_owner=deputy,
    )  # fmt: skip
    Membership.objects.filter(user=deputy).update(ended_on=WEDNESDAY - days(3))
    sent = nudges.nudge(Jurisdiction.objects.get(code="ID"), by=staff)
    assert list(sent.recipients.all()) == [idaho.cpo]


@pytest.mark.django_db
def test_at_most_one_nudge_a_week(idaho: State, staff: User, clock: TimeMachineFixture) -> None:
    _late(idaho)
    idaho_place = Jurisdiction.objects.get(code="ID")
    nudges.nudge(idaho_place, by=staff)
    clock.move_to(NOW + days(6), tick=False)
    with pytest.raises(
        ValidationError, match="Idaho was nudged on Dec 9 by Sam Staff; the next nudge can go on Dec 16"
    ):
        nudges.nudge(idaho_place, by=staff)
    assert Nudge.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.NUDGE).count() == 2
    clock.move_to(NOW + days(7), tick=False)
    nudges.nudge(idaho_place, by=staff)
    assert Nudge.objects.count() == 2


@pytest.mark.django_db
def test_nothing_to_nudge(idaho: State, staff: User) -> None:
    with pytest.raises(ValidationError, match="No one in Idaho is late"):
        nudges.nudge(Jurisdiction.objects.get(code="ID"), by=staff)
    with pytest.raises(ValidationError, match="Maine has no plan yet"):
        nudges.nudge(Jurisdiction.objects.get(code="ME"), by=staff)
    assert not Nudge.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_the_button_says_when_the_last_nudge_went_and_to_whom(client: Client, idaho: State, staff: User) -> None:
    _late(idaho)
    client.force_login(staff)
    response = client.post(reverse("reports:nudge", args=["ID"]), {"next": "/national/?kind=state"})
    assert response.status_code == 302 and response["Location"] == "/national/?kind=state#place-ID"
    assert not error_messages(response)

    again = client.post(reverse("reports:nudge", args=["ID"]), {"next": "https://elsewhere.example/"})
    assert again["Location"] == "/national/#place-ID"
    assert error_messages(again) == ["Idaho was nudged on Dec 9 by Sam Staff; the next nudge can go on Dec 16."]

    page = client.get(reverse("reports:national")).content.decode()
    assert f"Nudged Dec 9 by Sam Staff, to {idaho.cio}, {idaho.cpo}" in page
    assert "Next nudge possible Dec 16" in page


@pytest.mark.django_db(transaction=True)
def test_two_staff_clicking_at_once_send_one_nudge(reference_data: None) -> None:
    """Real PostgreSQL, two connections: the second waits on the first's lock, then sees its nudge."""
    now = timezone.now()
    cio = factories.make_member("ID", Membership.Role.CIO, email="dana@idaho.example")
    plan = factories.make_plan("ID", created_at=now - datetime.timedelta(days=200))
    # Due within the plan's 30-day cadence: never updated and not started, it would be waiting (not
    # late) if it were due further off.
    factories.make_item(
        plan, side="cio", cio_owner=cio, created_at=now - datetime.timedelta(days=200),
        due_on=timezone.localdate(now) + datetime.timedelta(days=20),
    )  # fmt: skip
    first = factories.make_staff("NASCIO", email="one@nascio.example")
    second = factories.make_staff("NASPO", email="two@naspo.example")
    idaho_place = Jurisdiction.objects.get(code="ID")

    with pytest.raises(ValidationError, match="was nudged"):
        while_another_transaction_holds(
            lambda: nudges.nudge(idaho_place, by=first), lambda: nudges.nudge(idaho_place, by=second)
        )
    assert Nudge.objects.count() == 1
    assert list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.NUDGE).values_list("to_address", flat=True)) == [
        "dana@idaho.example"
    ]


@pytest.mark.django_db
def test_a_nudge_asks_for_a_reply_and_a_reply_to_it_posts_the_update(
    idaho: State, staff: User, outbox: list[EmailMessage], settings: Settings
) -> None:
    settings.REPLY_DOMAIN = "reply.jointplan.example"
    _late(idaho)
    nudges.nudge(Jurisdiction.objects.get(code="ID"), by=staff)
    deliver_all()
    (to_cio,) = [m for m in outbox if m.to == [idaho.cio.email]]
    reply_to = to_cio.extra_headers["Reply-To"]
    assert reply_to.startswith("update+") and reply_to.endswith("@reply.jointplan.example")
    html = html_of(to_cio)
    for body in (to_cio.body, html):
        assert "[I1]" in body and "To update by email" in body
    (token,) = ReplyAddress.objects.filter(user=idaho.cio)
    assert token.email is not None and token.email.kind == OutgoingEmail.Kind.NUDGE
    broadband = Item.objects.get(title="Broadband map")
    assert token.item_ids == [broadband.pk]

    raw = f"From: {idaho.cio.email}\nTo: {reply_to}\nMessage-ID: <nudged@x>\n\non track 30% mapping is under way\n"
    assert reading.read_inbound(inbound.store(raw.encode(), source="file").row.pk) == "posted 1 update: I1 On track 30%"
    update = Update.objects.get(item=broadband)
    assert (update.via, update.progress, update.narrative) == (Via.EMAIL, 30, "mapping is under way")


@pytest.mark.django_db
def test_without_a_reply_domain_a_nudge_has_no_reply_address(
    idaho: State, staff: User, outbox: list[EmailMessage]
) -> None:
    _late(idaho)
    nudges.nudge(Jurisdiction.objects.get(code="ID"), by=staff)
    deliver_all()
    assert all("Reply-To" not in m.extra_headers and "To update by email" not in m.body for m in outbox)
    assert not ReplyAddress.objects.exists()
