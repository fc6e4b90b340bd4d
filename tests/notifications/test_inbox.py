"""My updates as the inbox: each thing that needs a person in the one section that says why, the
requests between the offices answered in place, the sign-off confirmed and undone, and a fixed
number of queries whatever the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from actionplan import services
from actionplan.models import Activity, Item, ItemSide, Plan, Sharing, Status, awaiting_sign_off
from directory import sides
from directory.models import Membership
from notifications import inbox
from notifications import services as scan
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days

pytestmark = pytest.mark.django_db


def _titles(client: Client) -> dict[str, list[str]]:
    sections = client.get("/my-updates/").context["sections"]
    return {s.key: [e.item.title if e.item else e.detail for e in s.entries] for s in sections}


def _monday_for_the_cpo(idaho: State) -> dict[str, Any]:
    """The CPO's Monday, as the issue found it: a page of never-started items due next June, and
    beside them the things that really need the CPO."""
    long_ago = NOW - days(120)
    began = WEDNESDAY - days(120)
    for n in range(5):
        idaho.item(side=ItemSide.CPO, title=f"Waiting {n}", created_at=long_ago, starts_on=began)
    at_risk = idaho.item(side=ItemSide.CPO, title="At risk", created_at=long_ago, starts_on=began)
    services.post_update(at_risk, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=30, narrative="Late.")
    overdue = idaho.item(side=ItemSide.CPO, title="Overdue", due_on=WEDNESDAY - days(2), starts_on=began)
    soon = idaho.item(side=ItemSide.CPO, title="Due soon", due_on=WEDNESDAY + days(10), starts_on=began)
    quiet = idaho.item(
        side=ItemSide.CPO, title="Quiet", created_at=long_ago, starts_on=began, status=Status.ON_TRACK,
        cpo_status=Status.ON_TRACK, last_update_at=NOW - days(45),
    )  # fmt: skip
    joint = idaho.item(side=ItemSide.JOINT, title="Signed by the CIO", created_at=long_ago, starts_on=began)
    services.sign_off(joint, by=idaho.cio, side="cio")
    services.add_comment(joint, author=idaho.cio, body="Can you check the terms, @marcus?")
    return {"at_risk": at_risk, "overdue": overdue, "soon": soon, "quiet": quiet, "joint": joint}


def test_the_cpo_sees_what_needs_them_once_each_and_not_the_items_still_waiting(client: Client, idaho: State) -> None:
    _monday_for_the_cpo(idaho)
    client.force_login(idaho.cpo)

    sections = _titles(client)

    assert [s.key for s in inbox.SECTIONS] == list(sections)
    assert sections == {
        "reply": ["Signed by the CIO"],
        "sign_off": ["Signed by the CIO"],
        "trouble": ["At risk"],
        "overdue": ["Overdue"],
        "due_soon": ["Due soon"],
        "requests": [],
        "quiet": ["Quiet"],
    }
    page = client.get("/my-updates/").content.decode()
    assert "Waiting 0" not in page
    assert 'id="reply-' in page  # the reply form, in place
    assert "The other office has asked nothing of you." in page


def test_a_mention_leaves_the_inbox_once_answered(client: Client, idaho: State) -> None:
    item = idaho.item(side=ItemSide.JOINT, title="Playbook")
    comment = services.add_comment(item, author=idaho.cio, body="Over to you, @marcus")
    client.force_login(idaho.cpo)
    assert _titles(client)["reply"] == ["Playbook"]

    response = client.post(
        f"/items/{item.pk}/comments/",
        {"body": "Done, see the draft.", "parent": comment.pk, "next": "/my-updates/#owed-reply"},
    )

    assert response.status_code == 302 and response["Location"] == "/my-updates/#owed-reply"
    assert _titles(client)["reply"] == []
    # The CIO, whose comment was answered, now has a reply waiting.
    client.force_login(idaho.cio)
    assert _titles(client)["reply"] == ["Playbook"]


def test_a_sharing_request_reaches_the_other_office_which_approves_it_from_the_inbox(
    client: Client, idaho: State, outbox: list[EmailMessage]
) -> None:
    client.force_login(idaho.cio)
    client.post(f"/plans/{idaho.plan.pk}/sharing/", {"level": Sharing.PEERS})
    dashboard = client.get(f"/plans/{idaho.plan.pk}/").content.decode()
    assert "pending" in dashboard.lower()

    facts = scan.collect_reminders(NOW)[idaho.cpo.pk].facts
    assert [f.title for f in facts if f.key.startswith("sharing:")] == ["Asked to widen sharing"]

    client.force_login(idaho.cpo)
    requests = client.get("/my-updates/").context["inbox"].section("requests")
    assert [e.kind for e in requests.entries] == ["sharing"]
    response = client.post(
        f"/plans/{idaho.plan.pk}/sharing/decide/", {"decision": "approve", "next": "/my-updates/#owed-requests"}
    )
    assert response["Location"] == "/my-updates/#owed-requests"
    plan = Plan.objects.get(pk=idaho.plan.pk)
    assert (plan.sharing, plan.sharing_requested) == (Sharing.PEERS, "")
    assert _titles(client)["requests"] == []


def test_declining_keeps_the_plan_as_it_was_and_is_logged_with_the_reason(client: Client, idaho: State) -> None:
    services.change_sharing(idaho.plan, by=idaho.cio, level=Sharing.PUBLIC)
    client.force_login(idaho.cpo)
    client.post(f"/plans/{idaho.plan.pk}/sharing/decide/", {"decision": "decline", "reason": "After the audit"})
    plan = Plan.objects.get(pk=idaho.plan.pk)
    assert (plan.sharing, plan.sharing_requested) == (Sharing.PRIVATE, "")
    declined = Activity.objects.get(verb=Activity.Verb.SHARING_DECLINED)
    assert (declined.actor, declined.new_value) == (idaho.cpo, "After the audit")


def test_the_office_that_asked_cannot_answer_its_own_request(client: Client, idaho: State) -> None:
    services.change_sharing(idaho.plan, by=idaho.cio, level=Sharing.PEERS)
    client.force_login(idaho.cio)
    response = client.post(f"/plans/{idaho.plan.pk}/sharing/decide/", {"decision": "approve"}, follow=True)
    assert "the other office answers it" in response.content.decode()
    assert Plan.objects.get(pk=idaho.plan.pk).sharing == Sharing.PRIVATE


def test_a_roundtable_proposal_is_a_request_for_anyone_who_acts_for_the_state(client: Client, idaho: State) -> None:
    factories.make_proposal(factories.make_outcome(factories.make_past_event()))
    client.force_login(idaho.cio)
    assert [e.kind for e in client.get("/my-updates/").context["inbox"].section("requests").entries] == ["proposal"]


def test_a_viewer_is_told_they_can_read_and_whom_to_ask(client: Client, idaho: State) -> None:
    viewer = factories.make_member("ID", Membership.Role.VIEWER)
    client.force_login(viewer)
    page = client.get("/my-updates/").content.decode()
    assert "nothing in it is assigned to you" in page
    assert "When your state starts its plan" not in page


@pytest.mark.parametrize("size", [1, 8])
def test_the_inbox_makes_the_same_queries_whatever_the_size(
    client: Client, idaho: State, django_assert_num_queries: Any, size: int
) -> None:
    for _ in range(size):
        _monday_for_the_cpo(idaho)
        factories.make_proposal(factories.make_outcome(factories.make_past_event()))
    services.change_sharing(idaho.plan, by=idaho.cio, level=Sharing.PEERS)
    client.force_login(idaho.cpo)
    client.get("/my-updates/")  # the first page after signing in saves the session: not the inbox's
    # session, user, memberships, staff memberships, plans (with the requester), comments to
    # answer (the CPO's own, the candidates, whom those mention), standing signatures on joint
    # items, the items owned or awaiting sign-off (one query), roundtable proposals
    with django_assert_num_queries(11):
        response = client.get("/my-updates/")
    assert all(response.context["inbox"].section(key).entries for key in ("reply", "sign_off", "requests"))


def test_sign_off_says_what_it_does_keeps_a_note_and_reopen_undoes_it(client: Client, idaho: State) -> None:
    item = idaho.item(side=ItemSide.JOINT, title="Playbook")
    services.sign_off(item, by=idaho.cio, side="cio")
    client.force_login(idaho.cpo)

    page = client.get(f"/items/{item.pk}/sign-off/?side=cpo").content.decode()
    assert "Your signature completes the item" in page
    assert "Your office has posted no update on this item" in page
    too_long = "x" * 501
    response = client.post(f"/items/{item.pk}/sign-off/", {"side": "cpo", "note": too_long})
    assert response.status_code == 400 and too_long in response.content.decode()

    client.post(f"/items/{item.pk}/sign-off/", {"side": "cpo", "note": "Template attached."})
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.sign_offs.get(side="cpo").note == "Template attached."

    refused = client.post(f"/items/{item.pk}/reopen/", {"reason": "  "})
    assert refused.status_code == 400 and "Say why the item is reopened" in refused.content.decode()
    client.post(f"/items/{item.pk}/reopen/", {"reason": "The vendor changed the terms."})
    item.refresh_from_db()
    assert item.status == Status.ON_TRACK and not item.sign_offs.standing().exists()
    # The CIO is told, with the reason, under My updates' sign-off heading.
    facts = [f for f in scan.collect_reminders(NOW)[idaho.cio.pk].facts if f.key.startswith("reopened:")]
    assert [(f.title, inbox.FACT_SECTION["reopened"]) for f in facts] == [("Reopened", "sign_off")]
    assert "The vendor changed the terms." in facts[0].detail


def test_a_viewers_digest_tells_what_happened_not_what_they_owe(idaho: State) -> None:
    viewer = factories.make_member("ID", Membership.Role.VIEWER)
    item = idaho.item(side=ItemSide.CPO, title="Playbook", due_on=WEDNESDAY + days(3))
    services.post_update(item, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=10, narrative="Slow.")

    digest = scan.build_digest(viewer, now=NOW + days(1))

    assert (digest.acting, digest.needs) == (False, [])
    assert [a.actor for a in digest.counterpart] == [idaho.cpo]


def test_awaiting_your_sign_off_lists_what_the_sign_off_rule_selects(idaho: State) -> None:
    """The inbox, the dashboard's cards, the reminder scan and the state report share one rule
    (actionplan.models.awaiting_sign_off): the inbox lists exactly what it selects for each office."""
    for title, signers in [("CIO signed", ["cio"]), ("CPO signed", ["cpo"]), ("Both", ["cio", "cpo"]), ("None", [])]:
        item = idaho.item(side=ItemSide.JOINT, title=title)
        for side in signers:
            services.sign_off(item, by=getattr(idaho, side), side=side)
    reopened = idaho.item(side=ItemSide.JOINT, title="Reopened")
    services.sign_off(reopened, by=idaho.cio, side="cio")
    services.sign_off(reopened, by=idaho.cpo, side="cpo")
    services.reopen(reopened, by=idaho.cio, reason="The vendor changed the terms.")  # both signatures withdrawn

    waiting = awaiting_sign_off(Item.objects.current())
    for user, side, expected in [(idaho.cio, "cio", ["CPO signed"]), (idaho.cpo, "cpo", ["CIO signed"])]:
        box = inbox.build(user)
        selected = sorted(Item.objects.get(pk=pk).title for pk, s in waiting.items() if sides.other(s.side) == side)
        assert [i.title for i in box.section("sign_off").items] == selected == expected
