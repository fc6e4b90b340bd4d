"""Moving OutgoingEmail from notifications to the outbox changes Django's state only: a database
migrated from before the move keeps every email, every reminder fact that points at one, and the
content type (with its permissions) of the model."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from notifications.models import ReminderSent
from outbox.models import OutgoingEmail

# The last migrations before the move; the outbox app did not exist.
BEFORE_THE_MOVE = [("notifications", "0002_outgoingemail_raw_message_attachments_event"), ("outbox", None)]
SENT_AT = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)


def migrate(targets: list[tuple[str, str | None]]) -> StateApps:
    """Migrate the test database to `targets` and return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reads which migrations are applied now
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


@pytest.fixture
def before_the_move() -> Iterator[StateApps]:
    """The database as it was deployed before the move; migrated back to the end afterwards, so the
    tests after this one find the schema they expect."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE_THE_MOVE)
    finally:
        migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_a_deployed_outbox_keeps_every_row_when_the_model_moves(before_the_move: StateApps) -> None:
    old = before_the_move
    user = old.get_model("directory", "User").objects.create(
        email="dana@idaho.example", full_name="Dana Whitfield", tz="America/Boise", password="!"
    )
    Email = old.get_model("notifications", "OutgoingEmail")
    sent = Email.objects.create(
        kind="reminder",
        recipient=user,
        to_address=user.email,
        dedupe_key="reminders:dana:abc",
        subject="Joint Plan: 1 item needs you",
        body_text="Due in 7 days",
        body_html="<p>Due in 7 days</p>",
        headers={"List-Unsubscribe": "<https://jointplan.example.org/email/unsubscribe/x/>"},
        raw_message=b"Subject: Joint Plan\r\n\r\nDue in 7 days\r\n",
        status="sent",
        attempts=1,
        message_id="<abc@jointplan.example.org>",
        sent_at=SENT_AT,
    )
    invitation = Email.objects.create(
        kind="event",
        to_address="guest@idaho.example",  # a bare address: nobody's account
        dedupe_key="event-invite:1:guest",
        subject="Invitation",
        body_text="Join us",
        attachments=[{"filename": "event.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"}],
    )
    Fact = old.get_model("notifications", "ReminderSent")
    Fact.objects.create(user=user, key="due7:1:2026-12-16", email=sent)
    Fact.objects.create(user=user, key="stale:2:never:1", email=sent)
    ContentType = old.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="notifications", model="outgoingemail")
    permission = old.get_model("auth", "Permission").objects.create(
        content_type=content_type, codename="view_outgoingemail_test", name="Can view outgoing email (test)"
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = {row.dedupe_key: row for row in OutgoingEmail.objects.all()}
    assert set(rows) == {"reminders:dana:abc", "event-invite:1:guest"}
    moved = rows["reminders:dana:abc"]
    assert (moved.pk, moved.recipient_id, moved.status, moved.attempts, moved.sent_at) == (
        sent.pk,
        user.pk,
        OutgoingEmail.Status.SENT,
        1,
        SENT_AT,
    )
    assert bytes(moved.raw_message or b"") == b"Subject: Joint Plan\r\n\r\nDue in 7 days\r\n"
    assert moved.headers == {"List-Unsubscribe": "<https://jointplan.example.org/email/unsubscribe/x/>"}
    bare = rows["event-invite:1:guest"]
    assert (bare.pk, bare.recipient_id, bare.to_address, bare.kind, bare.status) == (
        invitation.pk,
        None,
        "guest@idaho.example",
        OutgoingEmail.Kind.EVENT,
        OutgoingEmail.Status.QUEUED,
    )
    assert bare.attachments[0]["filename"] == "event.ics"
    facts = ReminderSent.objects.select_related("email").order_by("key")
    assert [(f.key, f.email.dedupe_key) for f in facts] == [
        ("due7:1:2026-12-16", "reminders:dana:abc"),
        ("stale:2:never:1", "reminders:dana:abc"),
    ]
    assert new.get_model("notifications", "ReminderSent")._meta.get_field("email").related_model._meta.label == (
        "outbox.OutgoingEmail"
    )
    # The content type kept its id, so what hangs on it (permissions, admin history) still does.
    moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("outbox", "outgoingemail")
    assert new.get_model("auth", "Permission").objects.get(pk=permission.pk).content_type_id == content_type.pk
    # New rows carry on after the old ones in the same table.
    later = OutgoingEmail.objects.create(kind="digest", to_address="dana@idaho.example", dedupe_key="digest:1:W51")
    assert later.pk > max(sent.pk, invitation.pk)


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_a_row(before_the_move: StateApps) -> None:
    old = before_the_move
    old.get_model("notifications", "OutgoingEmail").objects.create(
        kind="digest", to_address="dana@idaho.example", dedupe_key="digest:1:W51"
    )
    old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="notifications", model="outgoingemail")
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    OutgoingEmail.objects.create(kind="digest", to_address="marcus@idaho.example", dedupe_key="digest:2:W51")

    back = migrate(BEFORE_THE_MOVE)

    keys = back.get_model("notifications", "OutgoingEmail").objects.values_list("dedupe_key", flat=True)
    assert sorted(keys) == ["digest:1:W51", "digest:2:W51"]
    types = back.get_model("contenttypes", "ContentType").objects.filter(model="outgoingemail")
    assert list(types.values_list("app_label", flat=True)) == ["notifications"]
