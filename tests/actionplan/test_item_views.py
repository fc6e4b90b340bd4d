"""The item pages through the Django test client: who may do what, what each action changes, and
that refused input comes back on its field with what was typed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from actionplan import services
from actionplan.forms import CommentForm
from actionplan.models import Activity, Attachment, Comment, Item, ItemSide, Plan, Sharing, SignOff, Status, Update
from actionplan.views.items import TIMELINE_LIMIT
from directory.models import Membership, User
from tests import factories
from tests.factories import StateWithItem, edit_data, first_dimension, make_framework, make_item, make_plan, pdf

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def idaho(reference_data: None, media: Path) -> StateWithItem:
    """Idaho's people, its FY2027 plan and one joint item both principals own."""
    cio = factories.make_member("ID", Role.CIO, full_name="Avery Quinn", email="avery.quinn@idaho.example")
    cpo = factories.make_member("ID", Role.CPO, full_name="Blake Rivera", email="blake.rivera@idaho.example")
    delegate = factories.make_member("ID", Role.CIO_DELEGATE, full_name="Casey Shaw", email="casey.shaw@idaho.example")
    viewer = factories.make_member("ID", Role.VIEWER, full_name="Devon Ames")
    plan = make_plan("ID")
    item = make_item(plan, title="Joint cloud procurement playbook", cio_owner=cio, cpo_owner=cpo)
    return StateWithItem(cio=cio, cpo=cpo, cio_delegate=delegate, viewer=viewer, plan=plan, item=item)


def url(name: str, *args: object) -> str:
    return reverse(f"actionplan:{name}", args=args)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def update(
    item: Item, author: User, side: str, status: str, progress: int = 40, narrative: str = "Working on it."
) -> Update:
    return services.post_update(item, author=author, side=side, status=status, progress=progress, narrative=narrative)


def item_data(idaho: StateWithItem, **overrides: object) -> dict[str, object]:
    """A valid add/edit form for Idaho's plan; override the field under test."""
    return {
        "title": "Shared vendor risk reviews",
        "dimension": first_dimension().pk,
        "description": "Review **every** major IT vendor together.",
        "side": "joint",
        "cio_owner": idaho.cio.pk,
        "cpo_owner": idaho.cpo.pk,
        "starts_on": "2026-09-01",
        "due_on": "2027-03-31",
    } | overrides


# --- Reading and who may see what -------------------------------------------------------------


# PostgreSQL finds each side's latest update with DISTINCT ON; other databases (the quick start's
# SQLite) with a subquery per side. Both are run here.
@pytest.mark.parametrize("distinct_on", [True, False], ids=["distinct-on", "subquery-per-side"])
def test_detail_shows_both_sides_latest_updates_and_their_disagreement(
    client: Client, idaho: StateWithItem, monkeypatch: pytest.MonkeyPatch, distinct_on: bool
) -> None:
    from django.db import connection

    monkeypatch.setattr(connection.features, "can_distinct_on_fields", distinct_on)
    update(idaho.item, idaho.cio, "cio", Status.AT_RISK, narrative="Old news.")
    update(idaho.item, idaho.cio, "cio", Status.ON_TRACK, progress=55, narrative="Drafted the *playbook*.")
    update(idaho.item, idaho.cpo, "cpo", Status.AT_RISK, progress=30, narrative="Legal review is slow.")

    response = signed_in(client, idaho.cio).get(url("item", idaho.item.pk))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "The CIO side reports On track; the CPO side reports At risk." in body
    latest = {s.side: s.latest for s in response.context["sides"]}
    assert latest["cio"].narrative == "Drafted the *playbook*."
    assert latest["cpo"].narrative == "Legal review is slow."
    assert "<em>playbook</em>" in body
    assert "Old news." not in body
    assert "A joint item is done only when both the CIO side and the CPO side have signed off." in body


def test_detail_says_owner_needed_when_the_owner_has_left_their_role(client: Client, idaho: StateWithItem) -> None:
    Membership.objects.filter(user=idaho.cpo).update(ended_on=datetime.date(2025, 6, 1))
    idaho.item.refresh_from_db()

    response = signed_in(client, idaho.cio).get(url("item", idaho.item.pk))

    owners = {s.side: s.owner_needed for s in response.context["sides"]}
    assert owners == {"cio": False, "cpo": True}
    assert "Blake Rivera no longer holds a CPO-side role in Idaho" in response.content.decode()


def test_detail_shows_where_the_item_came_from(client: Client, idaho: StateWithItem) -> None:
    framework = make_framework(title="2016 National Action Plan")
    from_framework = make_item(idaho.plan, framework_item=framework.items.get(), cio_owner=idaho.cio)
    client = signed_in(client, idaho.cio)

    national = client.get(url("item", from_framework.pk)).content.decode()
    own = client.get(url("item", idaho.item.pk)).content.decode()

    code = framework.items.get().code
    assert f"From the national framework: 2016 National Action Plan, item {code}" in national
    assert "Proposed starter item" in national
    assert "Added by Idaho" in own


def test_times_are_shown_in_the_viewers_time_zone(client: Client, idaho: StateWithItem) -> None:
    services.add_comment(idaho.item, author=idaho.cio, body="Kick-off done.")
    Comment.objects.update(created_at=datetime.datetime(2026, 11, 21, 20, 5, tzinfo=datetime.UTC))
    idaho.cpo.tz = "America/Boise"
    idaho.cpo.save()

    body = signed_in(client, idaho.cpo).get(url("item", idaho.item.pk)).content.decode()

    assert '<time datetime="2026-11-21T13:05:00-07:00">Nov 21, 2026, 1:05 p.m.</time>' in body


def test_anyone_reads_an_item_of_a_public_plan_on_its_public_page_but_a_private_one_asks_to_sign_in(
    client: Client, idaho: StateWithItem
) -> None:
    assert client.get(url("item", idaho.item.pk))["Location"] == f"/sign-in/?next={url('item', idaho.item.pk)}"
    Plan.objects.filter(pk=idaho.plan.pk).update(sharing=Sharing.PUBLIC)

    response = client.get(url("item", idaho.item.pk))

    assert response.status_code == 302
    assert response["Location"] == f"/public/plans/{idaho.plan.pk}/#item-{idaho.item.pk}"
    # Acting still needs signing in.
    assert client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"}).status_code == 302
    assert not SignOff.objects.exists()


def test_a_member_of_another_state_gets_404_on_a_private_plan_and_403_on_a_shared_one(
    client: Client, idaho: StateWithItem
) -> None:
    outsider = factories.make_member("ME", Role.CIO)
    client = signed_in(client, outsider)
    item_url = url("item", idaho.item.pk)
    assert client.get(item_url).status_code == 404
    assert client.post(url("item_update", idaho.item.pk), {"status": "on_track"}).status_code == 404

    Plan.objects.filter(pk=idaho.plan.pk).update(sharing=Sharing.PEERS)

    assert client.get(item_url).status_code == 200
    for name in ("item_edit", "item_update", "item_archive"):
        assert client.get(url(name, idaho.item.pk)).status_code == 403, name
    for name in ("item_sign_off", "item_withdraw", "item_comment", "item_attach"):
        assert client.post(url(name, idaho.item.pk), {"side": "cio", "body": "Hi"}).status_code == 403, name
    assert client.get(url("item_create", idaho.plan.pk)).status_code == 403


def test_a_viewer_reads_but_cannot_act(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.viewer)

    page = client.get(url("item", idaho.item.pk))

    assert page.status_code == 200
    assert page.context["update_form"] is None and page.context["comment_form"] is None
    response = client.post(url("item_update", idaho.item.pk), {"status": "on_track", "progress": 5, "narrative": "x"})
    assert response.status_code == 403
    assert "You can read this, but not change it" in response.content.decode()
    assert client.post(url("item_comment", idaho.item.pk), {"body": "Hello"}).status_code == 403
    assert client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"}).status_code == 403
    assert not Update.objects.exists() and not Comment.objects.exists() and not SignOff.objects.exists()


def test_association_staff_may_comment_but_not_change_the_item(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, factories.make_staff("NASPO"))

    assert client.post(url("item_comment", idaho.item.pk), {"body": "Nice work, Idaho."}).status_code == 302
    assert client.get(url("item_edit", idaho.item.pk)).status_code == 403
    assert Comment.objects.get().body == "Nice work, Idaho."


def test_a_cpo_side_item_is_closed_to_the_cio_side(client: Client, idaho: StateWithItem) -> None:
    cpo_item = make_item(idaho.plan, side=ItemSide.CPO, cpo_owner=idaho.cpo)
    client = signed_in(client, idaho.cio)

    assert client.get(url("item", cpo_item.pk)).context["update_form"] is None
    assert client.get(url("item_edit", cpo_item.pk)).status_code == 403
    assert client.post(url("item_update", cpo_item.pk), {"status": "on_track"}).status_code == 403


# --- Adding and editing -----------------------------------------------------------------------


def test_the_add_form_offers_only_my_side_or_joint_and_current_owners(client: Client, idaho: StateWithItem) -> None:
    factories.make_member("ID", Role.CPO_DELEGATE, full_name="Former Delegate", ended_on=datetime.date(2025, 6, 1))

    form = signed_in(client, idaho.cio).get(url("item_create", idaho.plan.pk)).context["form"]

    assert [value for value, _ in form.fields["side"].choices] == ["cio", "joint"]
    assert set(form.fields["cio_owner"].queryset) == {idaho.cio, idaho.cio_delegate}
    assert set(form.fields["cpo_owner"].queryset) == {idaho.cpo}
    assert form.fields["cio_owner"].empty_label == "Owner needed"
    assert form.initial["cio_owner"] == idaho.cio.pk and form.initial["cpo_owner"] == idaho.cpo.pk


def test_adding_an_item_creates_it_and_leads_to_it(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio_delegate).post(url("item_create", idaho.plan.pk), item_data(idaho))

    item = Item.objects.get(title="Shared vendor risk reviews")
    assert response.status_code == 302 and response.url == url("item", item.pk)
    assert (item.side, item.cio_owner, item.cpo_owner, item.origin) == ("joint", idaho.cio, idaho.cpo, "state")
    assert Activity.objects.filter(item=item, verb=Activity.Verb.CREATED).exists()


def test_a_due_date_before_the_start_is_refused_on_its_field_with_the_input_kept(
    client: Client, idaho: StateWithItem
) -> None:
    response = signed_in(client, idaho.cio).post(
        url("item_create", idaho.plan.pk), item_data(idaho, starts_on="2027-01-10", due_on="2026-12-01")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["due_on"] == ["The due date cannot be before the start date."]
    body = response.content.decode()
    assert 'value="Shared vendor risk reviews"' in body
    assert 'value="2026-12-01"' in body
    assert 'id="id_due_on_error"' in body
    assert not Item.objects.filter(title="Shared vendor risk reviews").exists()


def test_an_owner_who_is_not_on_that_side_is_refused(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).post(
        url("item_create", idaho.plan.pk), item_data(idaho, cio_owner=idaho.cpo.pk)
    )

    assert "Choose Idaho's CIO or a delegate of the CIO" in response.context["form"].errors["cio_owner"][0]
    assert not Item.objects.filter(title="Shared vendor risk reviews").exists()


def test_an_owner_who_left_after_the_form_was_opened_is_refused_by_the_service(
    client: Client, idaho: StateWithItem
) -> None:
    client = signed_in(client, idaho.cio)
    client.get(url("item_create", idaho.plan.pk))
    # The form's choices are made per request; the service checks again at the moment of saving.
    Membership.objects.filter(user=idaho.cio_delegate).update(ended_on=datetime.date(2025, 6, 1))

    response = client.post(url("item_create", idaho.plan.pk), item_data(idaho, cio_owner=idaho.cio_delegate.pk))

    assert "cio_owner" in response.context["form"].errors


def test_editing_saves_through_the_service_and_logs_each_field(client: Client, idaho: StateWithItem) -> None:
    data = item_data(idaho, title="Cloud playbook, second edition", version=idaho.item.version)

    response = signed_in(client, idaho.cpo).post(url("item_edit", idaho.item.pk), data)

    assert response.status_code == 302
    idaho.item.refresh_from_db()
    assert idaho.item.title == "Cloud playbook, second edition"
    assert idaho.item.version == 2
    assert Activity.objects.filter(item=idaho.item, verb=Activity.Verb.FIELD_CHANGED, field="title").exists()


def test_a_stale_edit_is_stopped_shows_what_changed_and_keeps_what_was_typed(
    client: Client, idaho: StateWithItem
) -> None:
    opened_at = idaho.item.version
    first = signed_in(Client(), idaho.cio).post(
        url("item_edit", idaho.item.pk), edit_data(idaho.item, title="Title from the CIO")
    )
    assert first.status_code == 302

    second = signed_in(client, idaho.cpo).post(
        url("item_edit", idaho.item.pk), edit_data(idaho.item, title="Title from the CPO", due_on="2027-05-31")
    )

    assert second.status_code == 200
    body = second.content.decode()
    assert "This item was changed since you opened it" in body
    [change] = second.context["stale"].changes
    assert (change.field, change.new_value, change.actor) == ("title", "Title from the CIO", idaho.cio)
    assert 'value="Title from the CPO"' in body
    assert 'value="2027-05-31"' in body
    assert f'name="version" value="{opened_at + 1}"' in body
    idaho.item.refresh_from_db()
    assert idaho.item.title == "Title from the CIO"
    assert idaho.item.due_on == datetime.date(2027, 6, 30)

    # Saving the re-shown form again knowingly replaces the other change.
    again = client.post(
        url("item_edit", idaho.item.pk),
        edit_data(idaho.item, title="Title from the CPO", due_on="2027-05-31", version=opened_at + 1),
    )
    assert again.status_code == 302
    idaho.item.refresh_from_db()
    assert idaho.item.title == "Title from the CPO"


def test_saving_an_untouched_description_keeps_the_signatures(client: Client, idaho: StateWithItem) -> None:
    Item.objects.filter(pk=idaho.item.pk).update(description="Steps:\n\n- intake\n- award")
    idaho.item.refresh_from_db()
    services.sign_off(idaho.item, by=idaho.cpo, side="cpo")
    # As a browser sends it: textarea line breaks arrive as CRLF.
    data = edit_data(idaho.item, description="Steps:\r\n\r\n- intake\r\n- award", starts_on="2026-08-01")

    assert signed_in(client, idaho.cio).post(url("item_edit", idaho.item.pk), data).status_code == 302

    assert SignOff.objects.standing().filter(item=idaho.item).count() == 1
    assert list(Activity.objects.filter(verb=Activity.Verb.FIELD_CHANGED).values_list("field", flat=True)) == [
        "starts_on"
    ]


def test_archiving_asks_first_then_archives_and_returns_to_the_item_list(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)

    confirm = client.get(url("item_archive", idaho.item.pk))
    assert confirm.status_code == 200
    assert "Archive this item" in confirm.content.decode()
    Item.objects.filter(pk=idaho.item.pk, archived_at__isnull=True).get()

    response = client.post(url("item_archive", idaho.item.pk))

    assert response.status_code == 302 and response.url == url("items", idaho.plan.pk)
    idaho.item.refresh_from_db()
    assert idaho.item.archived_at is not None
    page = client.get(url("item", idaho.item.pk))
    assert page.context["update_form"] is None
    assert client.get(url("item_edit", idaho.item.pk)).status_code == 403


# --- The update loop --------------------------------------------------------------------------


def test_posting_an_update_without_javascript_redirects_to_the_item(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).post(
        url("item_update", idaho.item.pk),
        {"status": "on_track", "progress": "35", "narrative": "Vendors briefed.", "confidence": "high"},
    )

    assert response.status_code == 302
    assert response.url == url("item", idaho.item.pk) + "#updates"
    posted = Update.objects.get()
    assert (posted.side, posted.status, posted.progress, posted.confidence) == ("cio", "on_track", 35, "high")
    idaho.item.refresh_from_db()
    assert (idaho.item.cio_status, idaho.item.progress) == ("on_track", 35)


def test_posting_an_update_with_htmx_answers_with_the_refreshed_panel(client: Client, idaho: StateWithItem) -> None:
    update(idaho.item, idaho.cpo, "cpo", Status.AT_RISK)

    response = signed_in(client, idaho.cio).post(
        url("item_update", idaho.item.pk),
        {"status": "on_track", "progress": "60", "narrative": "Pilot agencies signed up."},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="item-panel"')
    assert "<html" not in body
    assert "Your update was posted." in body and 'data-hx-swap-oob="true"' in body
    assert "Pilot agencies signed up." in body
    assert "The CIO side reports On track; the CPO side reports At risk." in body


def test_an_invalid_update_keeps_what_was_typed_on_both_paths(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)
    data = {"status": "on_track", "progress": "150", "narrative": "Halfway, roughly."}

    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(url("item_update", idaho.item.pk), data, headers=headers)

        assert response.status_code == 200
        form = response.context["update_form" if headers else "form"]
        assert form.errors["progress"] == ["Progress is a percentage from 0 to 100."]
        body = response.content.decode()
        assert 'value="150"' in body and "Halfway, roughly.</textarea>" in body
        assert ("<html" in body) is not bool(headers)
    assert not Update.objects.exists()


def test_a_joint_item_is_not_offered_done_in_an_update(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)
    form = client.get(url("item_update", idaho.item.pk)).context["form"]
    assert "done" not in [value for value, _ in form.fields["status"].choices]
    assert "both sides sign off" in form.fields["status"].help_text

    response = client.post(url("item_update", idaho.item.pk), {"status": "done", "progress": "100", "narrative": "x"})

    assert "status" in response.context["form"].errors
    assert not Update.objects.exists()


def test_someone_acting_for_both_sides_chooses_which_one_they_report_for(client: Client, idaho: StateWithItem) -> None:
    both = factories.make_member("ID", Role.CPO_DELEGATE, user=idaho.cio_delegate)
    client = signed_in(client, both)
    form = client.get(url("item_update", idaho.item.pk)).context["form"]
    assert [value for value, _ in form.fields["side"].choices] == ["cio", "cpo"]

    client.post(
        url("item_update", idaho.item.pk), {"side": "cpo", "status": "blocked", "progress": "10", "narrative": "x"}
    )

    assert Update.objects.get().side == "cpo"


@pytest.mark.parametrize("side", ["cpo", "joint", "ceo"])
def test_an_update_posted_for_a_side_the_author_does_not_report_for_is_refused_not_recorded_as_theirs(
    client: Client, idaho: StateWithItem, side: str
) -> None:
    """Was: a CIO-side author's side=cpo was silently recorded as a CIO update."""
    data = {"side": side, "status": "blocked", "progress": "10", "narrative": "Vendor protest filed."}

    response = signed_in(client, idaho.cio).post(url("item_update", idaho.item.pk), data)

    assert response.status_code == 200
    assert "You report for the CIO side of this item only" in response.content.decode()
    assert "Vendor protest filed.</textarea>" in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.parametrize("side", ["cpo", "ceo"])
def test_a_sign_off_posted_for_a_side_the_signer_does_not_act_for_is_refused(
    client: Client, idaho: StateWithItem, side: str
) -> None:
    response = signed_in(client, idaho.cio).post(url("item_sign_off", idaho.item.pk), {"side": side}, follow=True)

    assert "You cannot sign for that side of this item." in response.content.decode()
    assert not SignOff.objects.exists()


def test_the_update_page_works_on_its_own(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).get(url("item_update", idaho.item.pk))

    assert response.status_code == 200
    assert "side" not in response.context["form"].fields  # one side only: implied
    assert response.content.decode().count("<h1") == 1


# --- Sign-off ---------------------------------------------------------------------------------


def test_a_joint_item_is_done_only_after_both_sides_sign(client: Client, idaho: StateWithItem) -> None:
    cpo_client = signed_in(Client(), idaho.cpo)
    cio_client = signed_in(client, idaho.cio)

    first = cpo_client.post(url("item_sign_off", idaho.item.pk), {"side": "cpo"})
    assert first.status_code == 302 and first.url.endswith("#sign-off")
    idaho.item.refresh_from_db()
    assert idaho.item.status != Status.DONE

    cio_client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"})

    idaho.item.refresh_from_db()
    assert idaho.item.status == Status.DONE and idaho.item.progress == 100
    page = cio_client.get(url("item", idaho.item.pk)).content.decode()
    assert "Both sides have now signed: the item is done." in page
    assert "Done: both sides signed off" in page


def test_signing_twice_comes_back_as_an_error_message(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)
    client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"})

    response = client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"}, follow=True)

    assert "The CIO side has already signed off this item." in response.content.decode()
    assert SignOff.objects.count() == 1


def test_signing_for_the_other_side_is_refused_with_a_message(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).post(url("item_sign_off", idaho.item.pk), {"side": "cpo"}, follow=True)

    assert "You cannot sign for that side of this item." in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_signature_can_be_withdrawn_until_the_other_side_signs(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)
    client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"})

    client.post(url("item_withdraw", idaho.item.pk), {"side": "cio", "reason": "Found a gap in the playbook"})

    signature = SignOff.objects.get()
    assert signature.withdrawn_at is not None and signature.withdrawn_reason == "Found a gap in the playbook"
    services.sign_off(idaho.item, by=idaho.cio, side="cio")
    services.sign_off(idaho.item, by=idaho.cpo, side="cpo")
    response = client.post(url("item_withdraw", idaho.item.pk), {"side": "cio"}, follow=True)
    assert "Both sides have signed, so the item is done." in response.content.decode()


def test_a_withdrawal_reason_too_long_is_refused_with_the_text_kept_and_the_signature_standing(
    client: Client, idaho: StateWithItem
) -> None:
    """Was: the reason was dropped and the signature withdrawn with no reason."""
    client = signed_in(client, idaho.cio)
    client.post(url("item_sign_off", idaho.item.pk), {"side": "cio"})
    reason = "The vendor review is not finished. " * 5 + "Nor is the security assessment of the new vendor."

    response = client.post(url("item_withdraw", idaho.item.pk), {"side": "cio", "reason": reason})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="withdraw_cio_reason_error"' in html
    assert "Keep the reason to 200 characters (it has 224)." in html
    assert f'value="{reason}"' in html
    assert SignOff.objects.get().withdrawn_at is None


def test_sign_off_buttons_show_only_what_the_viewer_may_do(client: Client, idaho: StateWithItem) -> None:
    services.sign_off(idaho.item, by=idaho.cpo, side="cpo")

    sides = {s.side: s for s in signed_in(client, idaho.cio).get(url("item", idaho.item.pk)).context["sides"]}

    assert (sides["cio"].can_sign, sides["cio"].can_withdraw) == (True, False)
    assert (sides["cpo"].can_sign, sides["cpo"].can_withdraw) == (False, False)
    assert sides["cpo"].signature.signed_by == idaho.cpo


# --- Comments and evidence --------------------------------------------------------------------


def test_a_comment_with_a_mention_is_posted_and_rendered_as_markdown(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cio)
    page = client.get(url("item", idaho.item.pk)).content.decode()
    assert "@blake.rivera (Blake Rivera)" in page

    response = client.post(url("item_comment", idaho.item.pk), {"body": "**Thanks** @blake.rivera"}, follow=True)

    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [idaho.cpo]
    assert response.redirect_chain == [(f"{url('item', idaho.item.pk)}#comment-{comment.pk}", 302)]
    assert '<strong>Thanks</strong> <mark class="jp-mention">@blake.rivera</mark>' in response.content.decode()
    # The person mentioned sees that it is them.
    theirs = signed_in(Client(), idaho.cpo).get(url("item", idaho.item.pk)).content.decode()
    assert (
        '<mark class="jp-mention jp-mention--you">@blake.rivera<span class="usa-sr-only"> (you)</span></mark>' in theirs
    )


def test_the_page_offers_for_mentions_exactly_the_members_a_comment_may_mention(
    client: Client, idaho: StateWithItem
) -> None:
    factories.make_member("ID", Role.VIEWER, user=idaho.cio_delegate)  # two roles, offered once
    factories.make_member("ID", Role.VIEWER, full_name="Former Member", ended_on=datetime.date(2025, 6, 1))
    factories.make_member("ID", Role.VIEWER, full_name="Disabled Account", is_active=False)
    factories.make_member("ME", Role.CIO, full_name="Morgan Maine")

    form = signed_in(client, idaho.cio).get(url("item", idaho.item.pk)).context["comment_form"]

    accepted = CommentForm(members=services.plan_members(idaho.plan))
    assert form.fields["body"].help_text == accepted.fields["body"].help_text
    assert form.fields["body"].help_text.count("Casey Shaw") == 1
    for outsider in ("Former Member", "Disabled Account", "Morgan Maine"):
        assert outsider not in form.fields["body"].help_text


def test_mentioning_someone_outside_the_plan_is_refused_with_the_text_kept(
    client: Client, idaho: StateWithItem
) -> None:
    factories.make_member("ME", Role.CIO, email="morgan@maine.example")

    response = signed_in(client, idaho.cio).post(url("item_comment", idaho.item.pk), {"body": "Ask @morgan about it"})

    assert response.status_code == 200
    assert response.context["comment_form"].errors["body"] == ["@morgan is not a member of this plan."]
    body = response.content.decode()
    assert "Ask @morgan about it</textarea>" in body
    assert 'id="comment_body_error"' in body
    assert not Comment.objects.exists()


def test_a_comment_links_to_itself_in_its_items_page(idaho: StateWithItem) -> None:
    comment = services.add_comment(idaho.item, author=idaho.cio, body="Kick-off done.")

    assert comment.get_absolute_url() == f"/items/{idaho.item.pk}/#comment-{comment.pk}"


def test_a_reply_is_posted_from_its_comments_reply_link_and_shown_in_the_thread(
    client: Client, idaho: StateWithItem
) -> None:
    question = services.add_comment(idaho.item, author=idaho.cpo, body="Who drafts the charter?")
    services.add_comment(idaho.item, author=idaho.cpo, body="A second thread.")
    client = signed_in(client, idaho.cio)
    page = client.get(url("item", idaho.item.pk)).content.decode()
    reply_link = f'href="{url("item", idaho.item.pk)}?reply={question.pk}#reply-{question.pk}"'
    assert reply_link in page
    assert f'id="reply-{question.pk}"' not in page  # no form until asked for

    opened = client.get(url("item", idaho.item.pk), {"reply": question.pk}).content.decode()
    assert (
        f'<form class="usa-form usa-form--large jp-reply-form" method="post" action="{url("item_comment", idaho.item.pk)}" id="reply-{question.pk}"'
        in opened
    )
    assert f'<input type="hidden" name="parent" value="{question.pk}">' in opened
    assert opened.count("jp-reply-form") == 1

    response = client.post(
        url("item_comment", idaho.item.pk),
        {"body": "I will, with @casey.shaw; @blake.rivera reviews.", "parent": question.pk},
        follow=True,
    )

    reply = Comment.objects.get(parent=question)
    assert reply.author == idaho.cio and set(reply.mentions.all()) == {idaho.cio_delegate, idaho.cpo}
    assert response.redirect_chain == [(f"{url('item', idaho.item.pk)}#comment-{reply.pk}", 302)]
    body = response.content.decode()
    assert "Your reply was posted." in body
    threads = response.context["threads"]
    assert [(t.root.body, [r.body for r in t.replies]) for t in threads] == [
        ("Who drafts the charter?", ["I will, with @casey.shaw; @blake.rivera reviews."]),
        ("A second thread.", []),
    ]
    assert f'<li id="comment-{reply.pk}" class="padding-top-2">' in body
    assert (
        body.index(f'id="comment-{question.pk}"')
        < body.index(f'id="comment-{reply.pk}"')
        < body.index("A second thread.")
    )
    assert (
        'I will, with <mark class="jp-mention">@casey.shaw</mark>; <mark class="jp-mention">@blake.rivera</mark> reviews.'
        in body
    )
    assert "replied to a comment" in body  # the timeline


def test_replying_to_a_reply_opens_the_form_at_its_threads_end_and_joins_that_thread(
    client: Client, idaho: StateWithItem
) -> None:
    question = services.add_comment(idaho.item, author=idaho.cpo, body="Who drafts the charter?")
    reply = services.add_comment(idaho.item, author=idaho.cio_delegate, body="I can.", parent=question)
    client = signed_in(client, idaho.cio)

    opened = client.get(url("item", idaho.item.pk), {"reply": reply.pk})

    assert [t.replying_to for t in opened.context["threads"]] == [reply]
    page = opened.content.decode()
    assert "Reply to Casey Shaw" in page
    assert page.index(f'id="comment-{reply.pk}"') < page.index(f'id="reply-{reply.pk}"')
    client.post(url("item_comment", idaho.item.pk), {"body": "Thank you.", "parent": reply.pk})
    assert Comment.objects.get(body="Thank you.").parent == question


@pytest.mark.parametrize(
    ("next_url", "lands_on_next"),
    [
        ("/my-updates/#needs-reply", True),
        ("https://evil.example/", False),
        ("//evil.example/my-updates/", False),
        ("/\\evil.example/", False),
        ("javascript:alert(1)", False),
        ("my-updates/", False),
    ],
)
def test_after_a_reply_next_is_followed_only_to_a_page_of_this_site(
    client: Client, idaho: StateWithItem, next_url: str, lands_on_next: bool
) -> None:
    question = services.add_comment(idaho.item, author=idaho.cpo, body="@avery.quinn ready?")

    response = signed_in(client, idaho.cio).post(
        url("item_comment", idaho.item.pk), {"body": "Ready.", "parent": question.pk, "next": next_url}
    )

    reply = Comment.objects.get(parent=question)
    assert response.status_code == 302
    assert response["Location"] == (next_url if lands_on_next else reply.get_absolute_url())


def test_a_blank_reply_comes_back_under_its_comment_saying_what_to_fix(client: Client, idaho: StateWithItem) -> None:
    question = services.add_comment(idaho.item, author=idaho.cpo, body="Who drafts the charter?")
    client = signed_in(client, idaho.cio)

    blank = client.post(
        url("item_comment", idaho.item.pk), {"body": "  \n ", "parent": question.pk, "next": "/my-updates/"}
    )
    stranger = client.post(url("item_comment", idaho.item.pk), {"body": "Ask @morgan", "parent": question.pk})

    assert blank.status_code == stranger.status_code == 200
    assert not Comment.objects.filter(parent=question).exists()
    page = blank.content.decode()
    assert (
        f'<span class="usa-error-message" id="reply-{question.pk}-error">Write something before posting.</span>' in page
    )
    assert f'aria-describedby="reply-{question.pk}-hint reply-{question.pk}-error"' in page
    assert '<input type="hidden" name="next" value="/my-updates/">' in page  # still goes back there once fixed
    assert blank.context["comment_form"].errors == {}  # the comment form below stays as it was
    page = stranger.content.decode()
    assert "@morgan is not a member of this plan." in page
    assert f'id="reply-{question.pk}-body"' in page and ">\nAsk @morgan</textarea>" in page


def test_a_reply_to_a_comment_not_on_the_item_is_not_found(client: Client, idaho: StateWithItem) -> None:
    other = make_item(idaho.plan, cio_owner=idaho.cio, cpo_owner=idaho.cpo)
    elsewhere = services.add_comment(other, author=idaho.cpo, body="On another item.")
    client = signed_in(client, idaho.cio)

    for parent in (elsewhere.pk, "not-a-number", elsewhere.pk + 1000):
        response = client.post(url("item_comment", idaho.item.pk), {"body": "Reply", "parent": parent})
        assert response.status_code == 404

    assert Comment.objects.count() == 1
    # Asking for a reply form under a comment of another item opens none.
    page = client.get(url("item", idaho.item.pk), {"reply": elsewhere.pk}).content.decode()
    assert "jp-reply-form" not in page


def test_readers_who_may_not_comment_get_no_reply_link(client: Client, idaho: StateWithItem) -> None:
    question = services.add_comment(idaho.item, author=idaho.cpo, body="Who drafts the charter?")

    page = signed_in(client, idaho.viewer).get(url("item", idaho.item.pk), {"reply": question.pk}).content.decode()

    assert "Who drafts the charter?" in page
    assert "?reply=" not in page and "jp-reply-form" not in page


def test_evidence_is_uploaded_and_downloaded_only_as_an_attachment(client: Client, idaho: StateWithItem) -> None:
    client = signed_in(client, idaho.cpo)

    response = client.post(url("item_attach", idaho.item.pk), {"file": pdf("Signed charter.pdf")})

    assert response.status_code == 302 and response.url.endswith("#evidence")
    attachment = Attachment.objects.get()
    page = client.get(url("item", idaho.item.pk)).content.decode()
    assert 'accept=".csv,.docx,.jpeg,.jpg,.pdf,.png,.pptx,.txt,.xlsx"' in page
    assert "Signed charter.pdf" in page and url("attachment", attachment.pk) in page
    download = client.get(url("attachment", attachment.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Signed charter.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_web_page_renamed_to_pdf_is_refused_on_the_file_field(client: Client, idaho: StateWithItem) -> None:
    disguised = SimpleUploadedFile(
        "minutes.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )

    response = signed_in(client, idaho.cio).post(url("item_attach", idaho.item.pk), {"file": disguised})

    assert response.status_code == 200
    assert response.context["evidence_form"].errors["file"] == [
        "This file's content is not a real .pdf file, so it was not accepted."
    ]
    assert 'id="evidence_file_error"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_of_a_hidden_plan_is_not_found_and_a_public_plan_publishes_none(
    client: Client, idaho: StateWithItem
) -> None:
    attachment = services.attach_evidence(idaho.item, by=idaho.cio, upload=pdf("charter.pdf"))
    path = url("attachment", attachment.pk)
    assert client.get(path)["Location"] == f"/sign-in/?next={path}"
    outsider = signed_in(Client(), factories.make_member("ME", Role.CIO))
    assert outsider.get(path).status_code == 404

    Plan.objects.filter(pk=idaho.plan.pk).update(sharing=Sharing.PUBLIC)

    # Evidence files are never public: signed out, still asked to sign in; any state's member reads them.
    assert client.get(path)["Location"] == f"/sign-in/?next={path}"
    download = outsider.get(path)
    assert download.status_code == 200
    download.close()  # a streamed file stays open until its response is closed


# --- What the page costs ----------------------------------------------------------------------


def _busy_item(idaho: StateWithItem, n: int) -> Item:
    """An item with `n` updates from each side, `n` comments and `n` files (and their activity)."""
    item = make_item(idaho.plan, cio_owner=idaho.cio, cpo_owner=idaho.cpo)
    for i in range(n):
        update(item, idaho.cio, "cio", Status.ON_TRACK, narrative=f"CIO update {i}")
        update(item, idaho.cpo, "cpo", Status.AT_RISK, narrative=f"CPO update {i}")
        services.add_comment(item, author=idaho.cpo, body=f"Comment {i} for @avery.quinn and @casey.shaw")
        services.attach_evidence(item, by=idaho.cio, upload=pdf(f"evidence-{i}.pdf"))
    services.sign_off(item, by=idaho.cpo, side="cpo")
    return item


# Session, user, item (with whether it cites the library), the viewer's roles and staff roles, the
# latest update of each side, standing signatures, the jurisdiction's members (the owners, who holds
# which role for "Owner needed", whom to @mention, and nearly every name on the page), timeline,
# files, comments. An item that cites recommendations or case studies costs one query more for each
# (tests/actionplan/test_item_library_links.py); one from the framework or a roundtable, one more for
# its provenance (below, and tests/roundtables/test_outcomes_pages.py).
DETAIL_QUERIES = 11


@pytest.mark.parametrize("size", [2, 20])
def test_the_detail_page_costs_the_same_queries_whatever_its_history(
    client: Client, idaho: StateWithItem, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    item = _busy_item(idaho, size)
    client = signed_in(client, idaho.cio)
    client.get(url("item", item.pk))  # the first request of a session writes its start time

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("item", item.pk))

    assert len(response.context["comments"]) == size
    assert len(response.context["activities"]) == min(Activity.objects.filter(item=item).count(), TIMELINE_LIMIT)
    assert len(response.context["attachments"]) == size


def test_a_framework_item_reads_its_provenance_at_one_query_more(
    client: Client, idaho: StateWithItem, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    framework = make_framework(title="2016 National Action Plan")
    from_framework = make_item(idaho.plan, framework_item=framework.items.get(), cio_owner=idaho.cio)
    client = signed_in(client, idaho.cio)
    client.get(url("item", from_framework.pk))

    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = client.get(url("item", from_framework.pk))

    assert response.context["framework"] == framework
    assert response.context["framework_item"] == framework.items.get()


def test_people_who_are_not_members_today_are_named_at_the_cost_of_one_query(
    client: Client, idaho: StateWithItem, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Updates, comments, files and events name their people from the state's members; whoever is
    not one today (a CPO who has left, staff who commented) comes from a single query more."""
    analyst = factories.make_staff("NASCIO", full_name="Morgan Lee")
    update(idaho.item, idaho.cpo, "cpo", Status.AT_RISK, narrative="Vendor list is late.")
    services.attach_evidence(idaho.item, by=idaho.cpo, upload=pdf("vendors.pdf"))
    services.add_comment(idaho.item, author=analyst, body="Ohio did this in 2019.")
    Membership.objects.filter(user=idaho.cpo).update(ended_on=datetime.date(2025, 6, 1))
    client = signed_in(client, idaho.cio)
    client.get(url("item", idaho.item.pk))

    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = client.get(url("item", idaho.item.pk))

    context = response.context
    assert {s.side: s.latest and s.latest.author for s in context["sides"]}["cpo"] == idaho.cpo
    assert [c.author for c in context["comments"]] == [analyst]
    assert [a.uploaded_by for a in context["attachments"]] == [idaho.cpo]
    assert {a.actor for a in context["activities"]} >= {idaho.cpo, analyst}
    html = response.content.decode()
    assert "<strong>Morgan Lee</strong>" in html and "added by Blake Rivera" in html


def test_an_owner_who_has_left_is_named_at_the_cost_of_one_more_query(
    client: Client, idaho: StateWithItem, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    Membership.objects.filter(user=idaho.cpo).update(ended_on=datetime.date(2025, 6, 1))
    client = signed_in(client, idaho.cio)
    client.get(url("item", idaho.item.pk))

    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = client.get(url("item", idaho.item.pk))

    assert {s.side: s.owner for s in response.context["sides"]} == {"cio": idaho.cio, "cpo": idaho.cpo}


def test_the_timeline_shows_the_latest_events_says_so_and_can_show_them_all(
    client: Client, idaho: StateWithItem
) -> None:
    for i in range(TIMELINE_LIMIT + 1):
        services.add_comment(idaho.item, author=idaho.cio, body=f"Note {i}")

    response = signed_in(client, idaho.cio).get(url("item", idaho.item.pk))

    assert len(response.context["activities"]) == TIMELINE_LIMIT
    assert response.context["activities"][0].new_value == f"Note {TIMELINE_LIMIT}"
    assert f"Showing the latest {TIMELINE_LIMIT} events, newest first." in response.content.decode()
    everything = client.get(url("item", idaho.item.pk), {"timeline": "all"})
    assert len(everything.context["activities"]) == Activity.objects.filter(item=idaho.item).count()
    assert "Show the whole timeline" not in everything.content.decode()
