"""One-click status links in reminders (issue 16, item 6): a link opens a page that shows the item and
asks to confirm; opening it changes nothing (mail scanners open every link), confirming posts the
update once, as the person the email went to, and every way a link can be refused has its own page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from actionplan import services as plan_services
from actionplan.models import Activity, Item, ItemSide, Status, Update, Via
from directory.models import Membership, User
from notifications import mail_tokens, services
from notifications.forms import STATUS_LINK_SENTENCE_MAX
from notifications.models import ReminderSent, StatusLink
from notifications.status_links import DEFAULT_NARRATIVE
from tests import factories
from tests.factories import State
from tests.notifications.helpers import (
    NOW,
    SITE_URL,
    WEDNESDAY,
    days,
    deliver_all,
    delivered_to,
    html_of,
    rows_for,
    while_another_transaction_holds,
)

pytestmark = pytest.mark.django_db


def url(token: str, status: str = "at_risk") -> str:
    return reverse("notifications:status_link", args=[token, status])


def link_for(user: User, item: Item) -> tuple[StatusLink, str]:
    return mail_tokens.issue_status_link(user, item)


def counts() -> tuple[int, int, int]:
    """Updates, activity, and links used: what a link's page must not change by being opened."""
    return Update.objects.count(), Activity.objects.count(), StatusLink.objects.filter(used_at__isnull=False).count()


@pytest.fixture
def item(idaho: State) -> Item:
    item = idaho.item(title="Records retention schedule", due_on=WEDNESDAY + days(30), progress=40)
    plan_services.post_update(
        item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=40, narrative="Started the inventory."
    )
    item.refresh_from_db()
    return item


# --- Opening a link -----------------------------------------------------------------------------


def test_opening_a_link_shows_the_item_and_asks_to_confirm_without_changing_anything(
    client: Client, idaho: State, item: Item
) -> None:
    _, token = link_for(idaho.cio, item)
    before = counts()

    response = client.get(url(token))
    head = client.head(url(token))
    client.get(url(token, "blocked"))

    assert response.status_code == 200 and head.status_code == 200
    html = response.content.decode()
    assert "Mark “Records retention schedule” as At risk?" in html
    assert "Idaho" in html and "On track, 40% done" in html
    assert 'type="submit">Confirm</button>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'href="/items/{item.pk}/"' in html
    assert counts() == before
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


# --- Confirming ---------------------------------------------------------------------------------


def test_confirming_posts_the_status_once_as_the_emails_reader_by_link(
    client: Client, idaho: State, item: Item
) -> None:
    link, token = link_for(idaho.cio, item)

    response = client.post(url(token), {"sentence": "Vendor demo slipped a week."})

    assert response.status_code == 200
    assert "Posted: At risk" in response.content.decode()
    update = Update.objects.latest("created_at", "id")
    assert (update.author, update.side, update.status, update.progress, update.via) == (
        idaho.cio,
        "cio",
        Status.AT_RISK,
        40,
        Via.LINK,
    )
    assert update.narrative == "Vendor demo slipped a week."
    activity = Activity.objects.filter(verb=Activity.Verb.UPDATED, item=item).latest("created_at", "id")
    assert activity.via == Via.LINK and activity.actor == idaho.cio
    item.refresh_from_db()
    assert (item.status, item.progress) == (Status.AT_RISK, 40)
    link.refresh_from_db()
    assert link.used_at == NOW and link.update == update
    assert "_auth_user_id" not in client.session  # the link posts; it never signs anyone in


def test_confirming_with_no_sentence_says_it_came_from_a_reminder(client: Client, idaho: State, item: Item) -> None:
    _, token = link_for(idaho.cio, item)
    client.post(url(token, "blocked"), {"sentence": "  "})
    update = Update.objects.latest("created_at", "id")
    assert (update.status, update.narrative) == (Status.BLOCKED, DEFAULT_NARRATIVE)


def test_a_sentence_too_long_is_refused_with_the_text_kept_and_nothing_posted(
    client: Client, idaho: State, item: Item
) -> None:
    link, token = link_for(idaho.cio, item)
    before = counts()
    long = "word " * 120

    response = client.post(url(token), {"sentence": long})

    assert response.status_code == 400
    html = response.content.decode()
    assert f"Keep it to {STATUS_LINK_SENTENCE_MAX} characters" in html
    assert long.strip() in html  # the field keeps what was typed (the form strips the last space)
    assert counts() == before
    link.refresh_from_db()
    assert link.used_at is None


def test_a_confirmation_without_the_pages_csrf_token_is_refused(idaho: State, item: Item) -> None:
    link, token = link_for(idaho.cio, item)
    response = Client(enforce_csrf_checks=True).post(url(token), {"sentence": ""})
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.used_at is None and not Update.objects.filter(via=Via.LINK).exists()


def test_someone_who_acts_for_both_offices_chooses_the_side_as_on_the_item_page(client: Client, idaho: State) -> None:
    both = idaho.cio
    factories.make_member("ID", Membership.Role.CPO_DELEGATE, user=both)
    joint = idaho.item(side=ItemSide.JOINT, cpo_owner=both, title="Joint procurement playbook")
    _, token = link_for(both, joint)

    page = client.get(url(token, "on_track")).content.decode()
    assert "Reporting for" in page and 'value="cio"' in page and 'value="cpo"' in page

    client.post(url(token, "on_track"), {"side": "cpo", "sentence": ""})
    update = Update.objects.get(item=joint)
    assert (update.side, update.status, update.via) == ("cpo", Status.ON_TRACK, Via.LINK)


# --- Refusals -----------------------------------------------------------------------------------


def test_a_used_link_is_refused_with_when_and_what_it_posted(client: Client, idaho: State, item: Item) -> None:
    _, token = link_for(idaho.cio, item)
    client.post(url(token), {"sentence": ""})
    before = counts()

    again = client.post(url(token), {"sentence": ""})
    other = client.post(url(token, "on_track"), {"sentence": ""})
    opened = client.get(url(token, "blocked"))

    for response in (again, other, opened):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link was already used on Dec 9, 2026 at 10:00 a.m." in html
        assert "to mark “Records retention schedule” as At risk" in html
        assert "Sign in to post another update" in html
        assert f'href="/sign-in/?next=/items/{item.pk}/"' in html
    assert counts() == before


def test_an_expired_link_is_refused_and_changes_nothing(client: Client, idaho: State, item: Item) -> None:
    link, token = link_for(idaho.cio, item)
    StatusLink.objects.filter(pk=link.pk).update(expires_at=NOW - datetime.timedelta(seconds=1))
    before = counts()

    for response in (client.get(url(token)), client.post(url(token), {"sentence": ""})):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert counts() == before


def test_a_link_of_someone_whose_role_ended_is_refused(client: Client, idaho: State, item: Item) -> None:
    link, token = link_for(idaho.cio, item)
    Membership.objects.filter(user=idaho.cio).update(ended_on=WEDNESDAY - days(1))
    before = counts()

    for response in (client.get(url(token)), client.post(url(token), {"sentence": ""})):
        assert response.status_code == 403
        assert "who no longer reports on “Records retention schedule”" in response.content.decode()
    assert counts() == before


def test_a_link_to_an_archived_item_is_refused(client: Client, idaho: State, item: Item) -> None:
    _, token = link_for(idaho.cio, item)
    plan_services.archive_item(item, by=idaho.cio)
    before = counts()

    response = client.post(url(token), {"sentence": ""})

    assert response.status_code == 403
    assert "was archived" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("status", ["done", "off_track", "not_started", "AT_RISK", "nonsense"])
def test_a_status_the_email_never_offers_is_not_found(client: Client, idaho: State, item: Item, status: str) -> None:
    link, token = link_for(idaho.cio, item)
    before = counts()
    assert client.get(url(token, status)).status_code == 404
    assert client.post(url(token, status), {"sentence": ""}).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("change", ["one character", "cut short", "made up"])
def test_a_tampered_token_is_not_found_and_offers_sign_in(
    client: Client, idaho: State, item: Item, change: str
) -> None:
    _, token = link_for(idaho.cio, item)
    bad = {
        "one character": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "cut short": token[:20],
        "made up": "x" * 43,
    }[change]
    before = counts()

    for response in (client.get(url(bad)), client.post(url(bad), {"sentence": ""})):
        assert response.status_code == 404
        html = response.content.decode()
        assert "This link does not work" in html and 'href="/sign-in/"' in html
    assert counts() == before


def test_a_joint_item_both_offices_signed_says_why_and_leaves_the_link_usable(client: Client, idaho: State) -> None:
    joint = idaho.item(side=ItemSide.JOINT, title="Joint procurement playbook")
    link, token = link_for(idaho.cio, joint)
    plan_services.sign_off(joint, by=idaho.cio, side="cio")
    plan_services.sign_off(joint, by=idaho.cpo, side="cpo")
    before = counts()

    response = client.post(url(token), {"sentence": "Still worried about the vendor."})

    assert response.status_code == 409
    assert "Both sides signed this item off as done" in response.content.decode()
    assert counts() == before
    link.refresh_from_db()
    assert link.used_at is None and link.update is None


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_post_one_update(reference_data: None) -> None:
    """The second POST arrives while the first holds the link in a transaction it has not
    committed: it waits, then finds the link used (PostgreSQL rechecks the condition)."""
    state = State(plan=factories.make_plan("ID"), **factories.idaho_people("cio", "cpo", personal=True))
    item = state.item(title="Records retention schedule")
    _, token = link_for(state.cio, item)
    answers: list[int] = []

    def first() -> None:
        answers.append(Client().post(url(token), {"sentence": "first"}).status_code)

    def second() -> int:
        return Client().post(url(token, "blocked"), {"sentence": "second"}).status_code

    answers.append(while_another_transaction_holds(first, second))

    assert answers == [200, 410]
    (update,) = Update.objects.filter(item=item)
    assert (update.status, update.narrative) == (Status.AT_RISK, "first")
    assert StatusLink.objects.get().update == update


# --- In the reminder ----------------------------------------------------------------------------


def _status_urls(token_holder: str) -> list[str]:
    return re.findall(rf"{re.escape(SITE_URL)}/s/[A-Za-z0-9_-]{{43}}/[a-z_]+/", token_holder)


@pytest.mark.parametrize("reply_domain", ["", "reply.jointplan.example.org"], ids=["replies-off", "replies-on"])
def test_the_reminder_shows_status_links_under_the_items_it_asks_about_only(
    idaho: State, outbox: list[EmailMessage], settings: Settings, reply_domain: str
) -> None:
    settings.REPLY_DOMAIN = reply_domain
    due = idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    mentioned = idaho.item(side=ItemSide.JOINT, title="Joint procurement playbook")
    plan_services.add_comment(mentioned, author=idaho.cpo, body="@dana can you review section 3 before Friday?")

    services.queue_reminders(now=NOW)
    deliver_all()

    (message,) = delivered_to(outbox, idaho.cio)
    (row,) = rows_for(idaho.cio)
    (link,) = StatusLink.objects.all()
    assert (link.user, link.item, link.email) == (idaho.cio, due, row)
    text, html = message.body, html_of(message)
    found = _status_urls(text)
    assert [u.rsplit("/", 2)[-2] for u in found] == ["on_track", "at_risk", "blocked"]
    assert {u.rsplit("/", 3)[-3] for u in found} == {found[0].rsplit("/", 3)[-3]}  # one token per item
    for status_url in found:
        assert f'href="{status_url}"' in html
    assert "Post an update" in text and "Post an update</a>" in html
    assert f"Post an update: {SITE_URL}/items/{due.pk}/" in text
    # Three links in all: the mention's entry has none (it asks for an answer on the page).
    assert "Joint procurement playbook" in text
    assert len(_status_urls(html)) == 3
    # The link from the email opens its page.
    token = found[1].rsplit("/", 3)[-3]
    assert mail_tokens.find_status_link(token) == link


def test_links_of_a_reminder_that_was_not_queued_again_are_removed(idaho: State) -> None:
    idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    idaho.item(due_on=WEDNESDAY + days(6), title="Cloud contract renewal")
    services.queue_reminders(now=NOW)
    (row,) = rows_for(idaho.cio)
    sent = set(StatusLink.objects.values_list("pk", flat=True))
    assert len(sent) == 2 and set(StatusLink.objects.values_list("email", flat=True)) == {row.pk}

    # As if the facts had not been recorded as told: the same email's key comes up again, the
    # outbox refuses it as sent, and the links issued for it go with it.
    ReminderSent.objects.all().delete()
    services.queue_reminders(now=NOW)

    assert rows_for(idaho.cio) == [row]
    assert set(StatusLink.objects.values_list("pk", flat=True)) == sent


def _scan_queries(count: int) -> int:
    people = State(plan=factories.make_plan("ME"), **_maine_people())
    for n in range(count):
        people.item(due_on=WEDNESDAY + days(7), title=f"Item {n}")
    with CaptureQueriesContext(connection) as captured:
        (batch,) = services.queue_reminders(now=NOW)
    assert len(services.items_asking_update(batch.facts)) == count
    return len(captured)


def _maine_people() -> dict[str, User]:
    return {
        "cio": factories.make_member("ME", Membership.Role.CIO, email="cio@me.example", tz="America/Boise"),
        "cpo": factories.make_member("ME", Membership.Role.CPO, email="cpo@me.example", tz="America/Boise"),
    }


# The reminder scan for one person whose email asks about its items. Issuing their status links
# costs two of these queries (one insert for all of an email's links, one update attaching them to
# the email), whatever the number of items.
REMINDER_SCAN_QUERIES = 20


@pytest.mark.parametrize("size", [1, 6])
def test_the_reminder_scan_makes_the_same_queries_however_many_items_it_links(
    reference_data: None, clock: object, size: int
) -> None:
    assert _scan_queries(size) == REMINDER_SCAN_QUERIES
    assert StatusLink.objects.count() == size
