"""Adoption: where each state stands on each recommendation, with evidence, and staff verification.

The write paths (`record_adoption`, `verify_adoption`, `unverify_adoption`) check the rules, write
in one transaction and append an AdoptionChange, so every change is kept with who made it. The
read helpers below them build a state's record, the national matrix and what the library's pages
show of adoption, as plain lists, in a fixed number of queries however many states and
recommendations there are.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePath

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from actionplan import evidence
from actionplan.models import Adoption, AdoptionChange, Item
from directory import permissions
from directory.models import Jurisdiction, User
from library.models import Publication, Recommendation, RecommendationArea

Status = Adoption.Status
EvidenceKind = Adoption.EvidenceKind

NO_EVIDENCE = (
    "An adopted recommendation needs evidence: add a link to it, or upload the document "
    "(a statute, executive order, policy or contract clause)."
)
NO_KIND = "Say what the evidence is: a statute, an executive order, a policy, a contract clause or other."
# Said where a state's member reads its status but may not change it.
WHO_RECORDS = "{place}'s CIO, CPO and their delegates record this status; you can read it."
_check_url = URLValidator(schemes=["http", "https"], message="Enter a full web address starting with https://.")


# --- Writing ------------------------------------------------------------------------------------


class StaleAdoption(Exception):
    """The record changed after the person opened the form; nothing was saved."""

    def __init__(self, adoption: Adoption, changes: list[AdoptionChange]) -> None:
        super().__init__("This record was changed since you opened it.")
        self.adoption = adoption
        self.changes = changes
        self.seen_change = latest_change_id(changes)


def latest_change_id(changes: Iterable[AdoptionChange]) -> int:
    """What a form remembers of the record it opened: the id of its newest change (0: none yet)."""
    return max((change.pk for change in changes), default=0)


def seen_change_for(adoption: Adoption | None) -> int:
    """The newest change of a record as it is now, for a form that opens it (0: none yet)."""
    if adoption is None:
        return 0
    return adoption.changes.order_by("-id").values_list("pk", flat=True).first() or 0


@transaction.atomic
def record_adoption(
    jurisdiction: Jurisdiction,
    recommendation: Recommendation,
    *,
    by: User,
    status: str,
    note: str,
    evidence_kind: str,
    evidence_url: str,
    evidence_file: UploadedFile | None = None,
    remove_evidence_file: bool = False,
    items: Iterable[Item],
    is_public: bool | None = None,
    seen_change: int | None = None,
) -> Adoption:
    """Create or update a state's adoption of a recommendation.

    `seen_change` is the newest change the person saw when they opened the form (seen_change_for):
    if someone changed the record since, nothing is saved and StaleAdoption lists what changed, as
    items refuse a stale edit. Callers that act on the record as it is now (the demo) pass None.

    "Adopted" needs evidence (a link, a new document, or the document already on file); a document
    is checked like item evidence; linked items must be in that state's plans. A change to the
    evidence clears staff's verification, since what they checked is no longer what is on file.
    `is_public` publishes the status (and the evidence link, never the document) on the public
    adoption page, or takes it off; None leaves it as it is. Returns the adoption; when nothing
    changed, nothing is written."""
    if not permissions.can_edit_adoption(by, jurisdiction):
        raise PermissionDenied(f"Only {jurisdiction.name}'s CIO, CPO and their delegates record its adoption.")
    evidence_url = (evidence_url or "").strip()
    note = (note or "").replace("\r\n", "\n").strip()
    chosen = list(items)
    errors: dict[str, list[str]] = {}
    if status not in Status.values:
        errors["status"] = ["Choose one of the statuses listed."]
    if evidence_kind and evidence_kind not in EvidenceKind.values:
        errors["evidence_kind"] = ["Choose one of the kinds of evidence listed."]
    if evidence_url:
        try:
            _check_url(evidence_url)
        except ValidationError as error:
            errors["evidence_url"] = error.messages
    if evidence_file is not None:
        try:
            # Size and, from the content itself, the type; a CSV comes back neutralized for storing.
            _, evidence_file = evidence.clean_upload(evidence_file)
        except ValidationError as error:
            errors["evidence_file"] = error.messages

    # Lock the row (creating it first, if this is the state's first word on the recommendation),
    # so two people saving at once are applied one after the other, each seeing the other's result.
    row, created = Adoption.objects.get_or_create(jurisdiction=jurisdiction, recommendation=recommendation)
    adoption = Adoption.objects.select_for_update().get(pk=row.pk)
    if seen_change is not None:
        since = list(adoption.changes.filter(pk__gt=seen_change).select_related("actor").order_by("-id"))
        if since:
            raise StaleAdoption(adoption, since)
    linked_ids = set(adoption.items.values_list("pk", flat=True)) if not created else set()

    keeps_file = bool(adoption.evidence_file) and not remove_evidence_file
    will_have_file = evidence_file is not None or keeps_file
    if "evidence_url" not in errors and "evidence_file" not in errors:
        if status == Status.ADOPTED and not evidence_url and not will_have_file:
            errors["evidence_url"] = [NO_EVIDENCE]
        elif (evidence_url or will_have_file) and not evidence_kind:
            errors["evidence_kind"] = [NO_KIND]
    item_error = _item_error(jurisdiction, chosen, linked_ids)
    if item_error:
        errors["items"] = [item_error]
    if errors:
        raise ValidationError(errors)

    changes: list[str] = []
    if created:
        changes.append(f"Status: {Status(status).label}")
    elif adoption.status != status:
        changes.append(f"Status: {Status(adoption.status).label} → {Status(status).label}")
    if adoption.note != note:
        changes.append("Note added" if not adoption.note else "Note removed" if not note else "Note changed")
    evidence_changes = _evidence_changes(adoption, evidence_kind, evidence_url, evidence_file, remove_evidence_file)
    changes += evidence_changes
    chosen_ids = {item.pk for item in chosen}
    titles = {item.pk: item.title for item in chosen}
    added = sorted(titles[pk] for pk in chosen_ids - linked_ids)
    removed_ids = linked_ids - chosen_ids
    removed = sorted(Item.objects.filter(pk__in=removed_ids).values_list("title", flat=True)) if removed_ids else []
    if added:
        changes.append("Plan items linked: " + "; ".join(added))
    if removed:
        changes.append("Plan items unlinked: " + "; ".join(removed))
    if is_public is not None and is_public != adoption.is_public:
        changes.append("Published on the public adoption page" if is_public else "Taken off the public adoption page")
        adoption.is_public = is_public
    if not changes:
        return adoption

    if evidence_changes and adoption.verified_at is not None:
        adoption.verified_at = None
        adoption.verified_by = None
        changes.append("Verification cleared, since the evidence changed")
    storage: Storage = adoption.evidence_file.storage
    old_file = adoption.evidence_file.name if adoption.evidence_file else ""
    if evidence_file is not None:
        name = evidence.safe_name(evidence_file.name or "evidence")
        # Stored under a random name (the field holds 100 characters, and a person's file name is
        # never trusted as a path); the original name is kept for the download.
        adoption.evidence_file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", evidence_file, save=False)
        adoption.evidence_name = name
    elif remove_evidence_file:
        adoption.evidence_file = ""
        adoption.evidence_name = ""
    if old_file and old_file != adoption.evidence_file.name:
        # The replaced document is deleted once the change is committed: if the change rolls
        # back, the record still points at it.
        transaction.on_commit(partial(storage.delete, old_file))
    adoption.status = status
    adoption.note = note
    adoption.evidence_kind = evidence_kind if (evidence_url or adoption.evidence_file) else ""
    adoption.evidence_url = evidence_url
    adoption.updated_by = by
    adoption.updated_at = timezone.now()
    adoption.save()
    if added or removed:
        adoption.items.set(chosen)
    AdoptionChange.objects.create(
        adoption=adoption,
        kind=AdoptionChange.Kind.RECORDED if created else AdoptionChange.Kind.CHANGED,
        actor=by,
        status=status,
        summary="; ".join(changes),
        created_at=adoption.updated_at,
    )
    return adoption


def _item_error(jurisdiction: Jurisdiction, chosen: list[Item], linked_ids: set[int]) -> str:
    """Why these items cannot be linked, or "": each must be in this state's plans and not archived
    (an archived item already linked may stay, so that saving an old record does not fail)."""
    if not chosen:
        return ""
    found = {
        pk: archived
        for pk, archived in Item.objects.filter(
            pk__in=[item.pk for item in chosen], plan__jurisdiction=jurisdiction
        ).values_list("pk", "archived_at")
    }
    if any(item.pk not in found for item in chosen):
        return f"Link only items from {jurisdiction.name}'s own plans."
    if any(found[item.pk] is not None and item.pk not in linked_ids for item in chosen):
        return "An archived item cannot be linked: choose one that is still in the plan."
    return ""


def _evidence_changes(
    adoption: Adoption,
    kind: str,
    url: str,
    upload: UploadedFile | None,
    remove_file: bool,
) -> list[str]:
    """What changes in the evidence, in words (empty when it stays as it is)."""
    changes = []
    has_after = bool(url) or upload is not None or (bool(adoption.evidence_file) and not remove_file)
    new_kind = kind if has_after else ""
    if adoption.evidence_kind != new_kind:
        before = EvidenceKind(adoption.evidence_kind).label if adoption.evidence_kind else "none"
        after = EvidenceKind(new_kind).label if new_kind else "none"
        changes.append(f"Kind of evidence: {before} → {after}")
    if adoption.evidence_url != url:
        if not adoption.evidence_url:
            changes.append(f"Evidence link added: {url}")
        elif not url:
            changes.append("Evidence link removed")
        else:
            changes.append(f"Evidence link changed to {url}")
    if upload is not None:
        name = evidence.safe_name(upload.name or "evidence")
        if adoption.evidence_file:
            changes.append(f"Document {adoption.evidence_name} replaced by {name}")
        else:
            changes.append(f"Document added: {name}")
    elif remove_file and adoption.evidence_file:
        changes.append(f"Document removed: {adoption.evidence_name}")
    return changes


def verify_adoption(adoption: Adoption, *, by: User) -> Adoption:
    """Association staff confirm the evidence shows what the state says. Only a record with
    evidence can be verified; verifying again changes nothing."""
    if not permissions.can_verify_adoption(by):
        raise PermissionDenied("Only NASPO and NASCIO staff verify adoption evidence.")
    with transaction.atomic():
        locked = Adoption.objects.select_for_update().get(pk=adoption.pk)
        if not locked.has_evidence:
            raise ValidationError("There is no evidence to verify: the state has not added a link or a document.")
        if locked.verified_at is not None:
            return locked
        locked.verified_at = timezone.now()
        locked.verified_by = by
        locked.save(update_fields=["verified_at", "verified_by"])
        what = locked.evidence_url or locked.evidence_name
        AdoptionChange.objects.create(
            adoption=locked,
            kind=AdoptionChange.Kind.VERIFIED,
            actor=by,
            status=locked.status,
            summary=f"Evidence verified: {what}",
            created_at=locked.verified_at,
        )
    return locked


def unverify_adoption(adoption: Adoption, *, by: User) -> Adoption:
    """Staff take back a verification (checked too quickly, or the source moved); kept in the history."""
    if not permissions.can_verify_adoption(by):
        raise PermissionDenied("Only NASPO and NASCIO staff verify adoption evidence.")
    with transaction.atomic():
        locked = Adoption.objects.select_for_update().get(pk=adoption.pk)
        if locked.verified_at is None:
            return locked
        locked.verified_at = None
        locked.verified_by = None
        locked.save(update_fields=["verified_at", "verified_by"])
        AdoptionChange.objects.create(
            adoption=locked,
            kind=AdoptionChange.Kind.UNVERIFIED,
            actor=by,
            status=locked.status,
            summary="Verification withdrawn",
        )
    return locked


def evidence_content_type(adoption: Adoption) -> str:
    """The type to serve a stored document with, from its name: the content was checked on upload,
    and the download is always an attachment with nosniff, never shown as a page."""
    guessed, _ = mimetypes.guess_type(adoption.evidence_name or adoption.evidence_file.name or "")
    return guessed or "application/octet-stream"


# --- Reading: a state's record ------------------------------------------------------------------

# The order statuses are counted and explained in, most advanced first. "" is "not recorded".
STATUS_ORDER = [Status.ADOPTED, Status.IN_PROGRESS, Status.EXPLORING, Status.NOT_STARTED, Status.NOT_APPLICABLE]
NOT_RECORDED = ""


@dataclass
class RecordRow:
    """One recommendation in a state's record, with the state's adoption if it has said anything."""

    recommendation: Recommendation
    adoption: Adoption | None
    items: list[Item]


@dataclass
class AreaGroup:
    area: RecommendationArea | None
    rows: list[RecordRow] = field(default_factory=list)


@dataclass
class PublicationGroup:
    publication: Publication
    areas: list[AreaGroup] = field(default_factory=list)


@dataclass
class StatusCount:
    status: str  # a Status value, or "" for not recorded
    label: str
    count: int


def status_counts(statuses: Iterable[str]) -> list[StatusCount]:
    """How many of `statuses` are each adoption status, in the order pages show them, and how many
    are not recorded: the tally the state record, the national matrix and the quarterly report share."""
    counted = Counter(statuses)
    rows = [StatusCount(s.value, s.label, counted[s.value]) for s in STATUS_ORDER]
    rows.append(StatusCount(NOT_RECORDED, "Not recorded", counted[NOT_RECORDED]))
    return rows


def recommendations_in_order(publication: Publication | None = None) -> list[Recommendation]:
    """Every recommendation (or one publication's), oldest publication first, with publication and area."""
    query = Recommendation.objects.select_related("publication", "area").order_by(
        "publication__published_on", "publication_id", "area__position", "area__name", "position", "number", "pk"
    )
    if publication is not None:
        query = query.filter(publication=publication)
    return list(query)


def state_record(jurisdiction: Jurisdiction) -> tuple[list[PublicationGroup], list[StatusCount], int]:
    """A state's adoption at a glance: every recommendation grouped by publication and area, the
    counts by status, and how many records staff verified. Three queries, whatever the sizes."""
    adoptions = {
        a.recommendation_id: a
        for a in Adoption.objects.filter(jurisdiction=jurisdiction)
        .select_related("updated_by", "verified_by")
        .prefetch_related(Prefetch("items", queryset=Item.objects.select_related("plan").order_by("title")))
    }
    groups: list[PublicationGroup] = []
    for recommendation in recommendations_in_order():
        if not groups or groups[-1].publication.pk != recommendation.publication_id:
            groups.append(PublicationGroup(recommendation.publication))
        areas = groups[-1].areas
        if not areas or (areas[-1].area.pk if areas[-1].area else None) != recommendation.area_id:
            areas.append(AreaGroup(recommendation.area))
        adoption = adoptions.get(recommendation.pk)
        items = list(adoption.items.all()) if adoption else []
        areas[-1].rows.append(RecordRow(recommendation, adoption, items))
    statuses = [
        row.adoption.status if row.adoption else NOT_RECORDED for g in groups for a in g.areas for row in a.rows
    ]
    verified = sum(1 for a in adoptions.values() if a.verified_at is not None)
    return groups, status_counts(statuses), verified


# --- Reading: the national matrix ---------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One jurisdiction's status on one recommendation, as the matrix shows it."""

    status: str  # a Status value, or "" for not recorded
    is_verified: bool = False


@dataclass
class MatrixRow:
    recommendation: Recommendation
    cells: list[Cell]  # in the order of Matrix.jurisdictions
    adopted: int


@dataclass
class MatrixGroup:
    publication: Publication
    rows: list[MatrixRow] = field(default_factory=list)


@dataclass
class JurisdictionTally:
    """One jurisdiction's adoption at a glance: how many recommendations at each status."""

    jurisdiction: Jurisdiction
    counts: list[StatusCount]
    verified: int


@dataclass
class Matrix:
    jurisdictions: list[Jurisdiction]
    groups: list[MatrixGroup]
    nobody_adopted: list[Recommendation]
    tallies: list[JurisdictionTally]
    totals: list[StatusCount]


def national_matrix(publication: Publication | None = None) -> Matrix:
    """Recommendations × jurisdictions from three queries (recommendations, jurisdictions, and one
    values() over Adoption), so the page costs the same at 3 states or 56, 5 recommendations or 50."""
    recommendations = recommendations_in_order(publication)
    jurisdictions = list(Jurisdiction.objects.order_by("code"))
    adoptions = Adoption.objects.all()
    if publication is not None:
        adoptions = adoptions.filter(recommendation__publication=publication)
    found: dict[tuple[int, int], Cell] = {}
    cells_seen: dict[tuple[str, bool], Cell] = {}  # one Cell object per look, shared by every cell
    for jurisdiction_id, recommendation_id, status, verified_at in adoptions.values_list(
        "jurisdiction_id", "recommendation_id", "status", "verified_at"
    ):
        look = (status, verified_at is not None)
        found[(jurisdiction_id, recommendation_id)] = cells_seen.setdefault(look, Cell(*look))
    blank = Cell(NOT_RECORDED)
    groups: list[MatrixGroup] = []
    nobody: list[Recommendation] = []
    by_jurisdiction: dict[int, list[str]] = {j.pk: [] for j in jurisdictions}
    verified: Counter[int] = Counter()
    for recommendation in recommendations:
        if not groups or groups[-1].publication.pk != recommendation.publication_id:
            groups.append(MatrixGroup(recommendation.publication))
        cells = []
        for jurisdiction in jurisdictions:
            cell = found.get((jurisdiction.pk, recommendation.pk), blank)
            cells.append(cell)
            by_jurisdiction[jurisdiction.pk].append(cell.status)
            verified[jurisdiction.pk] += cell.is_verified
        adopted = sum(1 for cell in cells if cell.status == Status.ADOPTED)
        groups[-1].rows.append(MatrixRow(recommendation, cells, adopted))
        if adopted == 0:
            nobody.append(recommendation)
    tallies = [
        JurisdictionTally(j, status_counts(by_jurisdiction[j.pk]), verified[j.pk])
        for j in sorted(jurisdictions, key=lambda j: j.name)
    ]
    totals = status_counts(status for statuses in by_jurisdiction.values() for status in statuses)
    return Matrix(jurisdictions, groups, nobody, tallies, totals)


# --- Reading: what the library's pages show -------------------------------------------------------
# The library shows other states only as counts: a state's member sees their own state's status
# beside the national figures; association staff see the nation's.


@dataclass(frozen=True)
class AdoptionView:
    """Whose adoption the library shows and filters by: one state's (`jurisdiction`) or, for
    staff, the nation's (`national`). Neither, for a signed-in person with no state."""

    jurisdiction: Jurisdiction | None = None
    national: bool = False


def adoption_view_for(user: User | AnonymousUser) -> AdoptionView:
    """Staff see the nation's adoption as counts; a state's member sees their own state's status
    (the first of their states by name, if they hold roles in more than one)."""
    if permissions.is_association_staff(user):
        return AdoptionView(national=True)
    states = sorted(
        (m.jurisdiction for m in permissions.current_memberships(user)
         if permissions.can_view_adoption(user, m.jurisdiction)),
        key=lambda j: j.name,
    )  # fmt: skip
    return AdoptionView(jurisdiction=states[0]) if states else AdoptionView()


def with_adoption(queryset: QuerySet[Recommendation], view: AdoptionView) -> QuerySet[Recommendation]:
    """Each recommendation with `adopted_in` (how many jurisdictions adopted it) and, for a state's
    member, `own_status` (their state's status, or None): aggregates in the one query, none per row."""
    queryset = queryset.annotate(
        adopted_in=Count("adoptions", filter=Q(adoptions__status=Adoption.Status.ADOPTED), distinct=True)
    )
    if view.jurisdiction is not None:
        own = Adoption.objects.filter(jurisdiction=view.jurisdiction, recommendation=OuterRef("pk"))
        queryset = queryset.annotate(own_status=Subquery(own.values("status")[:1]))
    return queryset


def national_counts(recommendation: Recommendation) -> list[StatusCount]:
    """How many jurisdictions stand where on this recommendation: counts only, never which."""
    counted = dict(
        Adoption.objects.filter(recommendation=recommendation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [StatusCount(s.value, s.label, counted.get(s.value, 0)) for s in STATUS_ORDER]
    rows.append(StatusCount(NOT_RECORDED, "Not recorded", Jurisdiction.objects.count() - sum(counted.values())))
    return rows


def own_adoption(jurisdiction: Jurisdiction, recommendation: Recommendation) -> Adoption | None:
    """The jurisdiction's record of the recommendation, with who last changed it, or None."""
    return (
        Adoption.objects.filter(jurisdiction=jurisdiction, recommendation=recommendation)
        .select_related("updated_by")
        .first()
    )
