"""The rules of the update loop, as the services enforce them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from pytest_django.fixtures import Settings

from actionplan import services
from actionplan.models import Activity, Item, Plan, Sharing, SignOff, Status, Update, fiscal_year_dates
from directory.models import Jurisdiction, Membership
from library.models import Framework
from library.services import current_framework, publish_framework
from tests import factories
from tests.actionplan import evidence_files as files

pytestmark = pytest.mark.django_db
Role = Membership.Role


def item(plan: Plan, code: str) -> Item:
    return Item.objects.get(plan=plan, framework_item__code=code)


# --- Adopting the framework ---------------------------------------------------------------------


def test_adopting_creates_one_item_per_framework_item_with_its_provenance(plan: Plan, idaho: dict) -> None:
    framework = current_framework()
    assert plan.items.count() == framework.items.count() == 21
    g1 = item(plan, "G1")
    assert g1.origin == Item.Origin.FRAMEWORK
    assert g1.framework_item.framework == framework
    assert (g1.side, g1.cio_owner, g1.cpo_owner) == ("joint", idaho["cio"], idaho["cpo"])
    g5 = item(plan, "G5")  # a CIO-side item has no CPO owner
    assert (g5.cio_owner, g5.cpo_owner) == (idaho["cio"], None)
    assert (plan.starts_on, plan.ends_on) == (datetime.date(2026, 7, 1), datetime.date(2027, 6, 30))
    assert Activity.objects.filter(plan=plan, verb=Activity.Verb.ADOPTED).count() == 1


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("ID", datetime.date(2026, 7, 1), datetime.date(2027, 6, 30)),
        ("NY", datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
        ("TX", datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
        ("GU", datetime.date(2026, 10, 1), datetime.date(2027, 9, 30)),
    ],
)
def test_the_fiscal_year_follows_the_jurisdiction(
    reference_data: None, code: str, start: datetime.date, end: datetime.date
) -> None:
    assert fiscal_year_dates(Jurisdiction.objects.get(code=code), 2027) == (start, end)


def test_a_state_adopts_a_period_only_once(plan: Plan, idaho: dict) -> None:
    with pytest.raises(ValidationError, match="already has a plan for FY2027"):
        services.adopt_framework(current_framework(), jurisdiction=plan.jurisdiction, fiscal_year=2027, by=idaho["cpo"])


def test_a_delegate_cannot_start_the_plan(idaho: dict) -> None:
    with pytest.raises(PermissionDenied):
        services.adopt_framework(
            current_framework(),
            jurisdiction=Jurisdiction.objects.get(code="ID"),
            fiscal_year=2027,
            by=idaho["cio_delegate"],
        )
    assert not Plan.objects.exists()


def test_a_draft_framework_cannot_be_adopted(idaho: dict) -> None:
    draft = Framework.objects.create(title="Next edition", edition="draft-1")
    with pytest.raises(ValidationError):
        services.adopt_framework(
            draft, jurisdiction=Jurisdiction.objects.get(code="ID"), fiscal_year=2027, by=idaho["cio"]
        )


def test_publishing_a_new_edition_supersedes_the_old_one(reference_data: None) -> None:
    old = current_framework()
    new = Framework.objects.create(title="Second edition", edition="2027", supersedes=old)
    new.items.create(dimension=old.items.first().dimension, code="X1", title="Something new")
    publish_framework(new, by=factories.make_staff())
    old.refresh_from_db()
    assert old.state == Framework.State.SUPERSEDED
    assert current_framework() == new


# --- Updates --------------------------------------------------------------------------------------


def test_an_update_moves_the_item_and_is_logged(plan: Plan, idaho: dict) -> None:
    i1 = item(plan, "I1")
    update = services.post_update(
        i1, author=idaho["cio"], side="cio", status=Status.AT_RISK, progress=30, narrative="Slipping."
    )
    i1.refresh_from_db()
    assert (i1.status, i1.progress, i1.cio_status, i1.cpo_status) == (Status.AT_RISK, 30, Status.AT_RISK, "")
    assert i1.last_update_at == update.created_at
    logged = list(Activity.objects.filter(item=i1).values_list("verb", flat=True))
    assert set(logged) == {Activity.Verb.UPDATED, Activity.Verb.STATUS_CHANGED}


def test_the_item_shows_when_the_two_sides_disagree(plan: Plan, idaho: dict) -> None:
    i1 = item(plan, "I1")
    services.post_update(i1, author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=40, narrative="Fine.")
    services.post_update(i1, author=idaho["cpo"], side="cpo", status=Status.AT_RISK, progress=20, narrative="Not fine.")
    i1.refresh_from_db()
    assert i1.sides_disagree
    services.post_update(
        i1, author=idaho["cio"], side="cio", status=Status.OFF_TRACK, progress=20, narrative="Agreed, worse."
    )
    i1.refresh_from_db()
    assert not i1.sides_disagree  # at risk vs off track: a difference of degree, not a disagreement


def test_a_delegate_posts_for_their_own_side_only(plan: Plan, idaho: dict) -> None:
    i1 = item(plan, "I1")
    services.post_update(
        i1, author=idaho["cio_delegate"], side="cio", status=Status.ON_TRACK, progress=5, narrative="Started."
    )
    with pytest.raises(PermissionDenied):
        services.post_update(
            i1, author=idaho["cio_delegate"], side="cpo", status=Status.ON_TRACK, progress=5, narrative="As CPO?"
        )


def test_a_viewer_cannot_post_updates(plan: Plan, idaho: dict) -> None:
    with pytest.raises(PermissionDenied):
        services.post_update(
            item(plan, "I1"), author=idaho["viewer"], side="cio", status=Status.ON_TRACK, progress=5, narrative="x"
        )


# Texts that show nothing: spaces, zero-width space and joiner, byte-order mark, soft hyphen,
# a direction mark, a lone combining accent, a line separator.
INVISIBLE = [" ", "\u200b", "\u200b\u200d\ufeff", "\u00ad", "\u200e \u200f", "\u0301", "\u2028"]


@pytest.mark.parametrize("narrative", INVISIBLE)
def test_an_update_needs_progress_0_to_100_and_a_narrative(plan: Plan, idaho: dict, narrative: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.post_update(
            item(plan, "G5"), author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=140, narrative=narrative
        )
    assert set(excinfo.value.message_dict) == {"progress", "narrative"}
    assert not Update.objects.exists()


@pytest.mark.parametrize("body", INVISIBLE)
def test_a_comment_that_shows_nothing_is_refused(plan: Plan, idaho: dict, body: str) -> None:
    with pytest.raises(ValidationError, match="Write something before posting"):
        services.add_comment(item(plan, "G5"), author=idaho["cio"], body=body)


@pytest.mark.parametrize("title", INVISIBLE)
def test_an_item_title_that_shows_nothing_is_refused(plan: Plan, idaho: dict, title: str) -> None:
    g5 = item(plan, "G5")
    with pytest.raises(ValidationError) as excinfo:
        services.edit_item(g5, by=idaho["cio"], expected_version=g5.version, title=title)
    assert list(excinfo.value.message_dict) == ["title"]


# --- Joint sign-off -------------------------------------------------------------------------------


def test_joint_item_is_done_only_after_both_sides_sign(plan: Plan, idaho: dict) -> None:
    t1 = item(plan, "T1")
    with pytest.raises(ValidationError, match="both sides sign off"):
        services.post_update(t1, author=idaho["cio"], side="cio", status=Status.DONE, progress=100, narrative="Done?")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    t1.refresh_from_db()
    assert t1.status != Status.DONE
    services.sign_off(t1, by=idaho["cpo"], side="cpo")
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (Status.DONE, 100)


def test_a_single_side_item_is_done_by_its_owners_update(plan: Plan, idaho: dict) -> None:
    g5 = item(plan, "G5")
    services.post_update(g5, author=idaho["cio"], side="cio", status=Status.DONE, progress=100, narrative="Finished.")
    g5.refresh_from_db()
    assert g5.status == Status.DONE
    with pytest.raises(ValidationError, match="Only joint items"):
        services.sign_off(g5, by=idaho["cio"], side="cio")


def test_either_side_may_withdraw_before_the_second_signature(plan: Plan, idaho: dict) -> None:
    t1 = item(plan, "T1")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_off(t1, by=idaho["cio_delegate"], side="cio")
    services.withdraw_sign_off(t1, by=idaho["cio"], side="cio", reason="Found a gap")
    assert not t1.sign_offs.standing().exists()
    services.sign_off(t1, by=idaho["cio"], side="cio")
    services.sign_off(t1, by=idaho["cpo"], side="cpo")
    with pytest.raises(ValidationError, match="Both sides have signed"):
        services.withdraw_sign_off(t1, by=idaho["cpo"], side="cpo")


def test_changing_a_signed_items_due_date_asks_both_sides_again(plan: Plan, idaho: dict) -> None:
    t1 = item(plan, "T1")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    services.sign_off(t1, by=idaho["cpo"], side="cpo")
    t1.refresh_from_db()
    edited = services.edit_item(t1, by=idaho["cio"], expected_version=t1.version, due_on=datetime.date(2027, 3, 1))
    assert edited.status == Status.ON_TRACK
    assert not edited.sign_offs.standing().exists()
    assert Activity.objects.filter(item=t1, verb=Activity.Verb.SIGN_OFFS_RESET).exists()


def test_changing_the_owner_keeps_the_signatures(plan: Plan, idaho: dict) -> None:
    t1 = item(plan, "T1")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    t1.refresh_from_db()
    services.edit_item(t1, by=idaho["cio"], expected_version=t1.version, cio_owner=idaho["cio_delegate"])
    assert t1.sign_offs.standing().count() == 1


# --- Editing ------------------------------------------------------------------------------------


def test_an_edit_from_a_stale_form_is_refused_and_saves_nothing(plan: Plan, idaho: dict) -> None:
    g1 = item(plan, "G1")
    opened_at = g1.version
    services.edit_item(g1, by=idaho["cio"], expected_version=opened_at, title="Charter signed by both")
    with pytest.raises(services.StaleEdit) as excinfo:
        services.edit_item(g1, by=idaho["cpo"], expected_version=opened_at, title="Something else")
    assert [(a.field, a.new_value) for a in excinfo.value.changes] == [("title", "Charter signed by both")]
    g1.refresh_from_db()
    assert g1.title == "Charter signed by both"
    assert g1.version == opened_at + 1


def test_an_owner_must_hold_that_sides_role_in_the_state(plan: Plan, idaho: dict) -> None:
    g1 = item(plan, "G1")
    stranger = factories.make_member("ME", Role.CIO)
    with pytest.raises(ValidationError) as excinfo:
        services.edit_item(g1, by=idaho["cio"], expected_version=g1.version, cio_owner=idaho["cpo"], cpo_owner=stranger)
    assert set(excinfo.value.message_dict) == {"cio_owner", "cpo_owner"}


def test_due_before_start_is_refused(plan: Plan, idaho: dict) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(
            plan, by=idaho["cio"], dimension=item(plan, "G1").dimension, title="Backwards", side="cio",
            starts_on=datetime.date(2027, 1, 1), due_on=datetime.date(2026, 12, 1),
        )  # fmt: skip
    assert "due_on" in excinfo.value.message_dict


def test_a_delegate_cannot_create_an_item_for_the_other_side(plan: Plan, idaho: dict) -> None:
    with pytest.raises(ValidationError, match="other office"):
        services.create_item(
            plan, by=idaho["cio_delegate"], dimension=item(plan, "G1").dimension, title="Theirs", side="cpo",
            starts_on=plan.starts_on, due_on=plan.ends_on,
        )  # fmt: skip


def test_archiving_keeps_the_item_and_its_history(plan: Plan, idaho: dict) -> None:
    g2 = item(plan, "G2")
    services.post_update(g2, author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=10, narrative="Begun.")
    services.archive_item(g2, by=idaho["cio"])
    assert Item.objects.filter(pk=g2.pk, archived_at__isnull=False).exists()
    assert g2 not in Item.objects.current()
    assert g2.updates.count() == 1


# --- Comments and evidence ------------------------------------------------------------------------


def test_mentions_are_resolved_to_plan_members(plan: Plan, idaho: dict) -> None:
    comment = services.add_comment(item(plan, "B1"), author=idaho["cpo"], body="@cio and @deputy please look.")
    assert set(comment.mentions.all()) == {idaho["cio"], idaho["cio_delegate"]}


def test_mentioning_a_non_member_is_refused(plan: Plan, idaho: dict) -> None:
    factories.make_member("ME", Role.CIO, email="outsider@me.example")
    with pytest.raises(ValidationError, match="@outsider is not a member"):
        services.add_comment(item(plan, "B1"), author=idaho["cpo"], body="cc @outsider")


def test_a_reply_to_a_reply_joins_the_thread_of_the_comment_it_answers(plan: Plan, idaho: dict) -> None:
    b1 = item(plan, "B1")
    root = services.add_comment(b1, author=idaho["cpo"], body="Who drafts the charter?")
    reply = services.add_comment(b1, author=idaho["cio"], body="I will.", parent=root)
    answer = services.add_comment(b1, author=idaho["cpo"], body="Thanks.", parent=reply)

    assert (reply.parent, answer.parent) == (root, root)
    assert list(root.replies.all()) == [reply, answer]
    assert [c.thread_id for c in (root, reply, answer)] == [root.pk] * 3
    logged = Activity.objects.filter(item=b1, verb=Activity.Verb.COMMENTED).order_by("id")
    assert [a.field for a in logged] == ["", "reply", "reply"]


def test_a_reply_records_its_mentions_like_a_comment(plan: Plan, idaho: dict) -> None:
    b1 = item(plan, "B1")
    root = services.add_comment(b1, author=idaho["cpo"], body="Who drafts the charter?")

    reply = services.add_comment(b1, author=idaho["cio"], body="@deputy will; @cpo reviews.", parent=root)

    assert set(reply.mentions.all()) == {idaho["cio_delegate"], idaho["cpo"]}
    with pytest.raises(ValidationError, match="@outsider is not a member"):
        services.add_comment(b1, author=idaho["cio"], body="Ask @outsider", parent=root)


def test_a_reply_to_a_comment_on_another_item_is_refused(plan: Plan, idaho: dict) -> None:
    elsewhere = services.add_comment(item(plan, "G1"), author=idaho["cpo"], body="On another item.")

    with pytest.raises(ValidationError) as refused:
        services.add_comment(item(plan, "B1"), author=idaho["cio"], body="Reply", parent=elsewhere)

    assert refused.value.message_dict == {"parent": ["You can only reply to a comment on the same item."]}
    assert not elsewhere.replies.exists() and not item(plan, "B1").comments.exists()


def test_staff_may_comment_but_viewers_may_not(plan: Plan, idaho: dict) -> None:
    services.add_comment(item(plan, "B1"), author=factories.make_staff("NASPO"), body="Nice progress.")
    with pytest.raises(PermissionDenied):
        services.add_comment(item(plan, "B1"), author=idaho["viewer"], body="Can I?")


NOTES = "Minutes of the joint meeting — agreed: cost < budget, café ✓\n".encode() * 160  # 9.7 KB


def _docx_holding(name: str, content: bytes = b"x") -> Callable[[], bytes]:
    return lambda: files.office(extra={name: content})


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        # Genuine files of every kind are accepted, and stored as they came.
        pytest.param("charter.pdf", files.pdf(), None, id="pdf"),
        pytest.param("charter.docx", files.office, None, id="docx"),
        pytest.param("budget.xlsx", lambda: files.office("xlsx"), None, id="xlsx"),
        pytest.param("briefing.pptx", lambda: files.office("pptx"), None, id="pptx"),
        pytest.param("photo.png", files.png(text=b"Taken at the roundtable"), None, id="png"),
        pytest.param("photo.jpg", files.jpeg(comment=b"Taken at the roundtable"), None, id="jpeg"),
        pytest.param("photo.jpeg", files.jpeg() + b"\x00\x00\x00\x18ftypmp42", None, id="jpeg-with-phone-trailer"),
        pytest.param("minutes.txt", NOTES, None, id="long-text"),
        pytest.param("budget.csv", "item,note\r\nCloud,a < b; x<y and y>z — ✓ café\r\n".encode(), None, id="csv"),
        # Not what the name says.
        pytest.param("charter.pdf", b"<html><script>alert(1)</script></html>", "not a real .pdf", id="html-as-pdf"),
        pytest.param("photo.png", b"MZ\x90\x00 program", "not a real .png", id="program-as-png"),
        pytest.param("charter.docx", b"PK\x03\x04 but not an office file", "not a real .docx", id="not-a-zip"),
        pytest.param(
            "budget.xlsx",
            lambda: files.office("xlsx", extra={"xl/styles.xml": b"<styleSheet/>"}, drop="xl/workbook.xml"),
            "not a real .xlsx",
            id="no-workbook",
        ),
        pytest.param("page.html", b"<html></html>", "Accepted types", id="html"),
        pytest.param("empty.pdf", b"", "empty", id="empty"),
        # Polyglots: a real file's opening with a web page after it.
        pytest.param("charter.pdf", b"%PDF-1.7\n" + files.SCRIPT + b"\n%%EOF\n", "web page code", id="pdf-then-html"),
        pytest.param("charter.pdf", files.pdf() + files.SCRIPT + b"\n%%EOF\n", "web page code", id="pdf-html-appended"),
        pytest.param("charter.pdf", b"%PDF-1.7\n1 0 obj\n", "incomplete or damaged", id="pdf-without-end"),
        pytest.param("photo.png", files.PNG_SIGNATURE + files.SCRIPT, "not a real .png", id="png-then-html"),
        pytest.param("photo.png", files.PNG_SIGNATURE + files.SVG, "not a real .png", id="png-then-svg"),
        pytest.param("photo.png", files.png() + files.SCRIPT, "not a real .png", id="png-html-after-end"),
        pytest.param("photo.png", files.png(text=files.SCRIPT), "web page code", id="png-html-in-metadata"),
        pytest.param("photo.jpg", b"\xff\xd8\xff\xe0" + files.SCRIPT, "not a real .jpg", id="jpeg-then-html"),
        pytest.param("photo.jpg", files.jpeg() + files.SVG, "web page code", id="jpeg-svg-after-end"),
        pytest.param("photo.jpg", files.jpeg(comment=files.SCRIPT), "web page code", id="jpeg-html-in-comment"),
        pytest.param("photo.jpeg", files.jpeg()[:-2], "not a real .jpeg", id="jpeg-without-end"),
        # Text with web page code in it, anywhere in the file.
        pytest.param("notes.txt", b"<svg onload=alert(1)>", "web page code", id="svg-in-text"),
        pytest.param("notes.txt", b"Agenda <img src=x onerror=alert(1)>", "web page code", id="img-onerror-in-text"),
        pytest.param("notes.txt", NOTES + b"<script>alert(1)</script>", "web page code", id="script-after-9-kb"),
        pytest.param(
            "links.csv", b'name,link\nx,<a href="javascript:alert(1)">open</a>\n', "web page code", id="js-link"
        ),
        pytest.param("list.csv", b"name\n<b onmouseover=alert(1)>hi</b>\n", "web page code", id="event-handler"),
        pytest.param("notes.txt", NOTES + "café".encode("latin-1"), "not UTF-8 text", id="latin-1-after-9-kb"),
        pytest.param("notes.txt", NOTES + b"\x00\x00", "not a real .txt", id="nul-after-9-kb"),
        # Office files that are bombs or carry what a document should not.
        pytest.param("charter.docx", files.zip_bomb, "expands to more than 50 MB", id="zip-bomb"),
        pytest.param("charter.docx", lambda: files.zip_bomb(40), "zip bomb", id="dense-part"),
        pytest.param("charter.docx", files.understated_docx, "not a real .docx", id="directory-understates-size"),
        pytest.param(
            "charter.docx", _docx_holding("index.html", files.SCRIPT), "web page, script or program", id="html-part"
        ),
        pytest.param("charter.docx", _docx_holding("word/vbaProject.bin"), "contains macros", id="macros"),
        pytest.param("charter.docx", _docx_holding("../../evil.txt"), "unsafe names", id="dot-dot-path"),
        pytest.param("charter.docx", _docx_holding("/etc/evil.txt"), "unsafe names", id="absolute-path"),
        pytest.param(
            "charter.docx",
            lambda: files.office(extra={f"word/media/image{i}.png": b"x" for i in range(1000)}),
            "more than 1,000 parts",
            id="too-many-parts",
        ),
        pytest.param(
            "charter.docx",
            _docx_holding("word/document.xml", b'<!DOCTYPE d [<!ENTITY a "aaaa">]><w:document>&a;</w:document>'),
            "not a real .docx",
            id="dtd-in-xml",
        ),
    ],
)
def test_evidence_is_checked_by_its_content(
    plan: Plan,
    idaho: dict,
    settings: Settings,
    tmp_path: Path,
    name: str,
    content: bytes | Callable[[], bytes],
    error: str | None,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = content() if callable(content) else content
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    if error is None:
        attachment = services.attach_evidence(item(plan, "G1"), by=idaho["cio"], upload=upload)
        assert attachment.original_name == name
        assert attachment.size == len(data)
        with attachment.file.open("rb") as stored:
            assert stored.read() == data
    else:
        with pytest.raises(ValidationError, match=error):
            services.attach_evidence(item(plan, "G1"), by=idaho["cio"], upload=upload)


def test_evidence_over_10_mb_is_refused(plan: Plan, idaho: dict) -> None:
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="limit is 10 MB"):
        services.attach_evidence(item(plan, "G1"), by=idaho["cio"], upload=upload)


# --- Turnover -------------------------------------------------------------------------------------


def test_when_a_cio_leaves_their_items_need_an_owner_and_move_in_one_action(plan: Plan, idaho: dict) -> None:
    owned = Item.objects.filter(plan=plan, cio_owner=idaho["cio"]).count()
    Membership.objects.filter(user=idaho["cio"]).update(ended_on=datetime.date(2025, 6, 30))
    successor = factories.make_member("ID", Role.CIO, started_on=datetime.date(2025, 7, 1))
    [vacancy] = services.vacancies(plan)
    assert (vacancy.side, vacancy.former_owner, vacancy.item_count) == ("cio", idaho["cio"], owned)
    moved = services.transfer_items(plan, side="cio", from_user=idaho["cio"], to_user=successor, by=idaho["cpo"])
    assert moved == owned
    assert services.vacancies(plan) == []
    assert Activity.objects.filter(plan=plan, verb=Activity.Verb.TRANSFERRED).count() == owned


def test_a_successor_must_hold_a_role_on_that_side(plan: Plan, idaho: dict) -> None:
    with pytest.raises(ValidationError, match="does not hold a CIO-side role"):
        services.transfer_items(plan, side="cio", from_user=idaho["cio"], to_user=idaho["cpo"], by=idaho["cpo"])


# --- Sharing and visibility ------------------------------------------------------------------------


def test_widening_sharing_needs_both_offices_and_narrowing_needs_either(plan: Plan, idaho: dict) -> None:
    plan = services.change_sharing(plan, by=idaho["cio"], level=Sharing.PEERS)
    assert (plan.sharing, plan.sharing_requested) == (Sharing.PRIVATE, Sharing.PEERS)
    plan = services.change_sharing(plan, by=idaho["cio"], level=Sharing.PEERS)  # asking twice is not agreeing
    assert plan.sharing == Sharing.PRIVATE
    plan = services.change_sharing(plan, by=idaho["cpo"], level=Sharing.PEERS)
    assert (plan.sharing, plan.sharing_requested) == (Sharing.PEERS, "")
    plan = services.change_sharing(plan, by=idaho["cpo"], level=Sharing.PRIVATE)
    assert plan.sharing == Sharing.PRIVATE
    with pytest.raises(PermissionDenied):
        services.change_sharing(plan, by=idaho["cio_delegate"], level=Sharing.PRIVATE)


def test_who_sees_a_plan_follows_its_sharing_level(plan: Plan, idaho: dict) -> None:
    """Who reads the plan's own pages. The public ("nobody": signed in with no role anywhere, and
    anonymous) reads none, whatever the level: a public plan's public page is theirs."""
    other_state = factories.make_member("ME", Role.CIO)
    staff = factories.make_staff("NASCIO")
    nobody = factories.make_user()
    anonymous = AnonymousUser()
    expected = {
        Sharing.PRIVATE: {"viewer": True, "other_state": False, "staff": True, "nobody": False, "anonymous": False},
        Sharing.PEERS: {"viewer": True, "other_state": True, "staff": True, "nobody": False, "anonymous": False},
        Sharing.PUBLIC: {"viewer": True, "other_state": True, "staff": True, "nobody": False, "anonymous": False},
    }
    people = {
        "viewer": idaho["viewer"],
        "other_state": other_state,
        "staff": staff,
        "nobody": nobody,
        "anonymous": anonymous,
    }
    for level, row in expected.items():
        Plan.objects.filter(pk=plan.pk).update(sharing=level)
        for name, person in people.items():
            assert Plan.objects.visible_to(person).filter(pk=plan.pk).exists() is row[name], (level, name)


# --- The activity log -----------------------------------------------------------------------------


def test_the_activity_log_and_updates_cannot_be_changed_or_deleted(plan: Plan, idaho: dict) -> None:
    services.post_update(
        item(plan, "I1"), author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=5, narrative="x"
    )
    for queryset in (Activity.objects.all(), Update.objects.all()):
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.delete()


def test_a_withdrawal_reason_over_200_characters_is_refused_not_cut(plan: Plan, idaho: dict) -> None:
    t1 = item(plan, "T1")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_sign_off(t1, by=idaho["cio"], side="cio", reason="x" * 201)
    assert list(excinfo.value.message_dict) == ["reason"]
    assert SignOff.objects.standing().filter(item=t1).count() == 1
