"""Redis down: people keep working, and the email their work causes waits in the database.

The site must not need Redis to take an update or a comment; the outbox, not the broker, holds
what is owed. Once Redis is back, a delivery run sends each email once.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from actionplan.models import Comment, ItemSide, Update
from directory.models import User
from notifications import services
from notifications.models import ReminderSent
from outbox import tasks
from outbox.models import OutgoingEmail
from tests.factories import PASSWORD, State
from tests.integration.harness import RedisServer, SmtpSink, Worker, wait_until
from tests.integration.moments import working_hours_from

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
REQUEST_BUDGET_SECONDS = 5.0


class TimedClient:
    """A test Client that times every request, because here the time is the requirement."""

    def __init__(self) -> None:
        self.client = Client()
        self.timings: list[tuple[str, int, float]] = []

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> int:
        started = time.monotonic()
        response = getattr(self.client, method)(path, data or {})
        elapsed = time.monotonic() - started
        self.timings.append((f"{method.upper()} {path}", response.status_code, elapsed))
        return response.status_code

    def sign_in(self, user: User) -> None:
        assert self.request("post", "/sign-in/", {"login": user.email, "password": PASSWORD}) == 302

    def post_update(self, item_id: int, narrative: str) -> None:
        data = {"status": "on_track", "progress": "40", "narrative": narrative, "confidence": ""}
        assert self.request("post", f"/items/{item_id}/update/", data) == 302
        assert self.request("get", f"/items/{item_id}/") == 200

    def comment(self, item_id: int, body: str) -> None:
        assert self.request("post", f"/items/{item_id}/comments/", {"body": body}) == 302
        assert self.request("get", f"/items/{item_id}/") == 200


def test_people_post_updates_and_mentions_while_redis_is_down_and_each_email_arrives_once_after(
    idaho: State, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker
) -> None:
    cio_items = list(idaho.plan.items.filter(side=ItemSide.CIO).order_by("pk")[:3])
    cpo_item = idaho.plan.items.filter(side=ItemSide.CPO).order_by("pk").first()
    joint_item = idaho.plan.items.filter(side=ItemSide.JOINT).order_by("pk").first()

    broker.stop()
    with pytest.raises(OperationalError):  # the outage is real, and nothing quietly uses another Redis
        tasks.deliver_outbox.apply_async()

    cio = TimedClient()
    cio.sign_in(idaho.cio)
    for n, item in enumerate(cio_items):
        cio.post_update(item.pk, f"Check-in {n}: the working group met and agreed the next steps.")
    cio.comment(cio_items[0].pk, "@cpo can procurement review the draft statement of work?")
    cio.comment(joint_item.pk, "@deputy @viewer minutes of Tuesday's call are attached.")
    cpo = TimedClient()
    cpo.sign_in(idaho.cpo)
    cpo.post_update(cpo_item.pk, "The solicitation is drafted and with legal.")
    cpo.comment(joint_item.pk, "@cio @deputy we can co-sign once the pilot ends.")
    health_started = time.monotonic()
    health = cpo.client.get("/healthz")
    cpo.timings.append(("GET /healthz", health.status_code, time.monotonic() - health_started))

    timings = cio.timings + cpo.timings
    for line in timings:
        print("[redis down] {} -> {} in {:.3f} s".format(*line))
    slow = [line for line in timings if line[2] >= REQUEST_BUDGET_SECONDS]
    assert not slow, f"requests slower than {REQUEST_BUDGET_SECONDS} s with Redis down: {slow}"
    assert health.status_code == 200 and health.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unavailable"},
    }
    assert Update.objects.count() == 4 and Comment.objects.count() == 3

    now = working_hours_from(timezone.now(), idaho.cio.tz)
    batches = services.queue_reminders(now=now)
    told = {batch.user.email: len(batch.facts) for batch in batches}
    assert told == {"cio@id.example": 1, "cpo@id.example": 1, "deputy@id.example": 2, "viewer@id.example": 1}
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() == 4
    assert smtp_sink.count() == 0

    broker.start()
    back = time.monotonic()
    tasks.deliver_outbox.apply_async()
    wait_until(
        lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 4,
        what="the worker to reconnect and deliver the 4 reminder emails",
        timeout=60,
    )
    print(f"[redis back] delivered {time.monotonic() - back:.1f} s after Redis restarted")

    rows = {row.message_id: row for row in OutgoingEmail.objects.all()}
    counted = smtp_sink.by_message_id()
    assert set(counted) == set(rows) and set(counted.values()) == {1}
    assert sorted(message.to[0] for message in smtp_sink.accepted) == sorted(told)
    assert ReminderSent.objects.count() == 5
