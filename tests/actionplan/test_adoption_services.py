"""Recording a state's adoption of a recommendation, with evidence, and staff verification."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from actionplan import adoption as services
from actionplan.models import Adoption, AdoptionChange
from directory.models import User
from library.models import Recommendation
from tests import factories
from tests.actionplan import evidence_files as files
from tests.factories import make_recommendations, pdf
from tests.notifications.helpers import while_another_transaction_holds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

Status = Adoption.Status
Kind = Adoption.EvidenceKind


@pytest.fixture
def rec(reference_data: None) -> Recommendation:
    return make_recommendations(1)[0]


def record(by: User, rec: Recommendation, code: str = "ID", **overrides: object) -> Adoption:
    values: dict = {
        "status": Status.EXPLORING,
        "note": "",
        "evidence_kind": "",
        "evidence_url": "",
        "items": [],
    } | overrides
    return services.record_adoption(factories.jurisdiction(code), rec, by=by, **values)


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_first_record_creates_the_row_and_its_history(people: dict, rec: Recommendation) -> None:
    adoption = record(people["cio_A"], rec, note="Talking with the legislature.")
    assert adoption.status == Status.EXPLORING
    assert adoption.updated_by == people["cio_A"]
    change = adoption.changes.get()
    assert change.kind == AdoptionChange.Kind.RECORDED
    assert change.actor == people["cio_A"]
    assert "Status: Exploring" in change.summary and "Note added" in change.summary


def test_adopted_without_evidence_is_refused_on_the_evidence_field_and_nothing_is_written(
    people: dict, rec: Recommendation
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record(people["cpo_A"], rec, status=Status.ADOPTED)
    assert "needs evidence" in errors_of(excinfo)["evidence_url"][0]
    assert not Adoption.objects.exists()
    assert not AdoptionChange.objects.exists()


def test_adopted_with_a_link_is_accepted(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/law"
    )
    assert adoption.status == Status.ADOPTED and adoption.evidence_url == "https://example.org/law"


def test_adopted_with_a_document_is_accepted_and_stored_through_storage(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.EXECUTIVE_ORDER, evidence_file=pdf("EO 12.pdf")
    )
    assert adoption.evidence_name == "EO 12.pdf"
    assert default_storage.exists(adoption.evidence_file.name)
    assert services.evidence_content_type(adoption) == "application/pdf"


def test_the_document_already_on_file_counts_as_evidence(people: dict, rec: Recommendation) -> None:
    record(people["cio_A"], rec, status=Status.IN_PROGRESS, evidence_kind=Kind.POLICY, evidence_file=pdf())
    adoption = record(people["cpo_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.POLICY)
    assert adoption.status == Status.ADOPTED and adoption.evidence_file


def test_removing_the_only_evidence_of_an_adopted_record_is_refused(people: dict, rec: Recommendation) -> None:
    record(people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.POLICY, evidence_file=pdf())
    with pytest.raises(ValidationError) as excinfo:
        record(people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.POLICY, remove_evidence_file=True)
    assert "evidence_url" in errors_of(excinfo)
    assert Adoption.objects.get().evidence_file


def test_evidence_needs_a_kind(people: dict, rec: Recommendation) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record(people["cio_A"], rec, evidence_url="https://example.org/policy")
    assert "evidence_kind" in errors_of(excinfo)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/file", "not a link"])
def test_only_web_links_are_accepted_as_evidence(people: dict, rec: Recommendation, url: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record(people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.OTHER, evidence_url=url)
    assert "evidence_url" in errors_of(excinfo)


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        pytest.param("policy.pdf", b"<html><script>alert(1)</script></html>", "not a real .pdf", id="html-as-pdf"),
        pytest.param("policy.pdf", b"%PDF-1.7\n" + files.SCRIPT + b"\n%%EOF\n", "web page code", id="pdf-then-html"),
        pytest.param("seal.png", files.PNG_SIGNATURE + files.SVG, "not a real .png", id="png-then-svg"),
        pytest.param(
            "policy.txt", b"Policy text. " * 800 + b"<script>alert(1)</script>", "web page code", id="late-script"
        ),
        pytest.param("policy.docx", files.zip_bomb, "expands to more than 50 MB", id="zip-bomb"),
        pytest.param(
            "policy.docx", lambda: files.office(extra={"index.html": files.SCRIPT}), "web page", id="html-part"
        ),
    ],
)
def test_a_disguised_document_is_refused_on_the_file_field(
    people: dict, rec: Recommendation, name: str, content: bytes | Callable[[], bytes], error: str
) -> None:
    """The same checks as item evidence (actionplan.evidence), reported on the adoption's file field."""
    with pytest.raises(ValidationError) as excinfo:
        record(
            people["cio_A"],
            rec,
            status=Status.ADOPTED,
            evidence_kind=Kind.POLICY,
            evidence_file=pdf(name, content() if callable(content) else content),
        )
    assert error in errors_of(excinfo)["evidence_file"][0]
    assert not Adoption.objects.exists()


def test_items_from_another_state_are_refused(people: dict, rec: Recommendation) -> None:
    maine_item = factories.make_item(factories.make_plan("ME"))
    with pytest.raises(ValidationError) as excinfo:
        record(people["cio_A"], rec, items=[maine_item])
    assert "Idaho's own plans" in errors_of(excinfo)["items"][0]


def test_the_state_s_own_items_are_linked_and_unlinked_in_the_history(people: dict, rec: Recommendation) -> None:
    plan = factories.make_plan("ID")
    first, second = factories.make_item(plan, title="Revise terms"), factories.make_item(plan, title="Train buyers")
    adoption = record(people["cio_A"], rec, items=[first, second])
    assert set(adoption.items.all()) == {first, second}
    adoption = record(people["cio_A"], rec, items=[second])
    assert list(adoption.items.all()) == [second]
    assert "Plan items unlinked: Revise terms" in adoption.changes.first().summary


def test_an_archived_item_is_refused_unless_already_linked(people: dict, rec: Recommendation) -> None:
    plan = factories.make_plan("ID")
    item = factories.make_item(plan)
    record(people["cio_A"], rec, items=[item])
    archived = factories.make_item(plan, archived_at=timezone.now())
    with pytest.raises(ValidationError):
        record(people["cio_A"], rec, items=[item, archived])
    item.archived_at = timezone.now()
    item.save()
    assert list(record(people["cio_A"], rec, status=Status.IN_PROGRESS, items=[item]).items.all()) == [item]


def test_changing_the_evidence_clears_the_verification(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/a"
    )
    services.verify_adoption(adoption, by=people["staff"])
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/b"
    )
    assert adoption.verified_at is None and adoption.verified_by is None
    assert "Verification cleared" in adoption.changes.first().summary


def test_changing_only_the_note_keeps_the_verification(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/a"
    )
    services.verify_adoption(adoption, by=people["staff"])
    adoption = record(
        people["cio_A"],
        rec,
        status=Status.ADOPTED,
        note="Signed in March.",
        evidence_kind=Kind.STATUTE,
        evidence_url="https://example.org/a",
    )
    assert adoption.verified_at is not None


def test_replacing_a_document_deletes_the_old_one_after_commit(
    people: dict, rec: Recommendation, django_capture_on_commit_callbacks
) -> None:
    first = record(people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.POLICY, evidence_file=pdf("a.pdf"))
    old_name = first.evidence_file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = record(
            people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.POLICY, evidence_file=pdf("b.pdf")
        )
    assert second.evidence_name == "b.pdf"
    assert not default_storage.exists(old_name)
    assert "Document a.pdf replaced by b.pdf" in second.changes.first().summary


def test_saving_with_nothing_changed_writes_nothing(people: dict, rec: Recommendation) -> None:
    first = record(people["cio_A"], rec, note="Same")
    again = record(people["cpo_A"], rec, note="Same")
    assert again.updated_at == first.updated_at and again.updated_by == people["cio_A"]
    assert again.changes.count() == 1


@pytest.mark.parametrize("persona", ["viewer_A", "cio_B", "staff", "superuser"])
def test_only_the_state_s_acting_members_record(people: dict, rec: Recommendation, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        record(people[persona], rec)
    assert not Adoption.objects.exists()


def test_delegates_record_for_their_state(people: dict, rec: Recommendation) -> None:
    assert record(people["cio_delegate_A"], rec).updated_by == people["cio_delegate_A"]


def test_verification_is_for_staff_only(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/a"
    )
    with pytest.raises(PermissionDenied):
        services.verify_adoption(adoption, by=people["cio_A"])
    verified = services.verify_adoption(adoption, by=people["staff"])
    assert verified.verified_by == people["staff"]
    assert verified.changes.first().kind == AdoptionChange.Kind.VERIFIED
    # Verifying again changes nothing.
    services.verify_adoption(adoption, by=people["superuser"])
    assert Adoption.objects.get().verified_by == people["staff"]
    assert adoption.changes.filter(kind=AdoptionChange.Kind.VERIFIED).count() == 1


def test_only_a_record_with_evidence_is_verified(people: dict, rec: Recommendation) -> None:
    adoption = record(people["cio_A"], rec, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="no evidence"):
        services.verify_adoption(adoption, by=people["staff"])
    assert Adoption.objects.get().verified_at is None


def test_staff_withdraw_a_verification(people: dict, rec: Recommendation) -> None:
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.STATUTE, evidence_url="https://example.org/a"
    )
    services.verify_adoption(adoption, by=people["staff"])
    with pytest.raises(PermissionDenied):
        services.unverify_adoption(adoption, by=people["cpo_A"])
    adoption = services.unverify_adoption(adoption, by=people["staff"])
    assert adoption.verified_at is None
    assert adoption.changes.first().kind == AdoptionChange.Kind.UNVERIFIED


def test_a_long_file_name_is_kept_for_the_download_but_not_used_as_the_stored_path(
    people: dict, rec: Recommendation
) -> None:
    long_name = "Executive order on technology procurement " * 4 + ".pdf"
    adoption = record(
        people["cio_A"], rec, status=Status.ADOPTED, evidence_kind=Kind.EXECUTIVE_ORDER, evidence_file=pdf(long_name)
    )
    adoption.refresh_from_db()
    assert adoption.evidence_name.startswith("Executive order on technology procurement")
    assert adoption.evidence_name.endswith(".pdf")
    assert len(adoption.evidence_file.name) <= 100 and adoption.evidence_file.name.endswith(".pdf")


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_forms_opened_together_land_once_and_the_second_is_told(
    people: dict, rec: Recommendation
) -> None:
    """Real PostgreSQL, two connections: the first save holds the record's lock while the second
    waits; the second then sees the first's change and is refused instead of overwriting it."""

    def first() -> Adoption:
        return record(people["cio_A"], rec, status=Status.EXPLORING, note="Drafting a bill.", seen_change=0)

    def second() -> Adoption:
        return record(people["cpo_A"], rec, status=Status.IN_PROGRESS, note="Pilot signed.", seen_change=0)

    with pytest.raises(services.StaleAdoption) as stale:
        while_another_transaction_holds(first, second)

    assert [c.summary for c in stale.value.changes] == ["Status: Exploring; Note added"]
    adoption = Adoption.objects.get()
    assert (adoption.status, adoption.note, adoption.changes.count()) == (Status.EXPLORING, "Drafting a bill.", 1)
