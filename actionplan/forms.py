"""Forms of the action-plan pages. They parse and check input; the services decide and write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from actionplan import evidence, services
from actionplan.models import Adoption, Item, ItemSide, Plan, Sharing, Status, Update
from directory import permissions, sides
from directory.models import Jurisdiction, Membership, User, name_and_role, with_role_in
from library.models import CaseStudy, Dimension, Framework, Recommendation

# --- Plans ------------------------------------------------------------------------------------


class AdoptForm(forms.Form):
    """Start a state's plan for a fiscal year from the published national framework."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none(), empty_label=None)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.filter(state=Framework.State.PUBLISHED),
        empty_label=None,
        label="National framework",
    )
    fiscal_year = forms.IntegerField(
        min_value=2016,
        max_value=2100,
        label="Fiscal year",
        help_text="Named by the year it ends, as your state does: FY2027 ends in 2027. "
        "The plan's dates follow your fiscal year.",
    )

    def __init__(self, *args: Any, jurisdictions: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Jurisdiction]", self.fields["jurisdiction"])
        field.queryset = Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions])
        if len(jurisdictions) == 1:
            self.fields["jurisdiction"].widget = forms.HiddenInput()
            self.fields["jurisdiction"].initial = jurisdictions[0].pk
        today = timezone.localdate()
        self.fields["fiscal_year"].initial = today.year + 1


class SharingForm(forms.Form):
    level = forms.ChoiceField(choices=Sharing.choices, widget=forms.RadioSelect, label="Who can read this plan")


class TransferForm(forms.Form):
    """Give a departed owner's items to a successor on the same side (one form per departed owner)."""

    to_user = forms.ModelChoiceField(queryset=User.objects.none(), label="New owner", empty_label="Choose a person")

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["to_user"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).order_by("full_name")


# --- Items (below this line) -------------------------------------------------------------------
SIDE_LABELS = {"cio": "CIO side", "cpo": "CPO side", "joint": "Joint: both offices"}


class DateInput(forms.DateInput):
    """The browser's date picker; the value must be ISO (YYYY-MM-DD) for it to show."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OwnerField(forms.ModelChoiceField):
    """A person who may own one side of an item, shown with their role in the plan's jurisdiction
    (the one role vocabulary, never their job title), which also tells namesakes apart."""

    def label_from_instance(self, obj: User) -> str:
        return name_and_role(obj)


def side_members(plan: Plan, side: str) -> QuerySet[User]:
    """Active users holding a role on `side` (the principal or a delegate) in the plan's jurisdiction."""
    roles = sides.SIDE_ROLES[side]
    holders = Membership.objects.active().filter(jurisdiction_id=plan.jurisdiction_id, role__in=roles)
    people = User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by("full_name", "email")
    return with_role_in(people, jurisdiction_id=plan.jurisdiction_id, roles=roles)


class OwnershipFields(forms.Form):
    """Who owns an item: its side, and one owner per side. The form using it fills the choices
    from the plan (see `side_members`); the service checks them again."""

    side = forms.ChoiceField(
        choices=(),
        label="Owned by",
        help_text="A joint item is done only when both the CIO side and the CPO side sign off.",
    )
    cio_owner = OwnerField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Owner needed",
        label="CIO-side owner",
        help_text="The CIO or a delegate of the CIO. Not used for CPO-side items.",
    )
    cpo_owner = OwnerField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Owner needed",
        label="CPO-side owner",
        help_text="The CPO or a delegate of the CPO. Not used for CIO-side items.",
    )


class ItemForm(OwnershipFields):
    """Add an item to a plan, or edit one. Choices come from the plan; the service checks again.

    For an edit, `version` carries the item's version the form was opened at (see StaleEdit)."""

    field_order = ["title", "dimension", "description", "side", "cio_owner", "cpo_owner"]

    title = forms.CharField(max_length=200)
    dimension = forms.ModelChoiceField(queryset=Dimension.objects.all(), empty_label=None)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the item commits to and how you will know it is done. "
        "Markdown: **bold**, *italic*, lists and links.",
    )
    starts_on = forms.DateField(widget=DateInput(), label="Start date")
    due_on = forms.DateField(widget=DateInput(), label="Due date")
    recommendations = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations this item carries out",
        help_text="Optional. From the recommendation library, grouped by publication.",
    )
    case_studies = forms.ModelMultipleChoiceField(
        queryset=CaseStudy.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Case studies this item learns from",
        help_text="Optional. What other states did that this item builds on.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args: Any, plan: Plan, user: User, item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = permissions.sides_for(user, plan) | {ItemSide.JOINT.value}
        if item is not None:
            allowed.add(item.side)  # what the item is now must stay a valid answer
        side_field = cast(forms.ChoiceField, self.fields["side"])
        side_field.choices = [(side, SIDE_LABELS[side]) for side in ItemSide.values if side in allowed]
        self._library_choices()
        place = plan.jurisdiction.name
        members: dict[str, QuerySet[User]] = {}  # each side's owner choices
        for side in sides.OFFICES:
            field = cast(OwnerField, self.fields[f"{side}_owner"])
            field.queryset = members[side] = side_members(plan, side)
            field.error_messages["invalid_choice"] = (
                f"Choose {place}'s {side.upper()} or a delegate of the {side.upper()}, or leave it as Owner needed."
            )
        if item is None:
            del self.fields["version"]
            if not self.is_bound:
                self.initial = {**self._defaults(plan, user), **self.initial}
            return
        if not self.is_bound:
            self.initial = (
                {name: getattr(item, name) for name in services.EDITABLE_FIELDS}
                | {name: [o.pk for o in getattr(item, name).all()] for name in services.LINKED_FIELDS}
                | {"version": item.version}
            )
        for side in item.sides:
            owner = item.owner_for(side)
            if owner is not None and not members[side].filter(pk=owner.pk).exists():
                # Why the select shows "Owner needed" although the item names someone.
                self.fields[
                    f"{side}_owner"
                ].help_text = f"{owner} no longer holds a {side.upper()}-side role in {place}: choose who takes over."

    def _library_choices(self) -> None:
        """Recommendations grouped under their publication's title (one query); the fields still
        check submitted values against the whole library."""
        groups: dict[str, list[tuple[int, str]]] = {}
        for r in Recommendation.objects.select_related("publication").order_by(
            "publication__published_on", "publication_id", "position", "number"
        ):
            groups.setdefault(r.publication.title, []).append((r.pk, f"{r.number}: {r.text}"))
        cast(forms.ModelMultipleChoiceField, self.fields["recommendations"]).choices = list(groups.items())
        cast(forms.ModelMultipleChoiceField, self.fields["case_studies"]).choices = list(
            CaseStudy.objects.order_by("title").values_list("pk", "title")
        )

    @staticmethod
    def _defaults(plan: Plan, user: User) -> dict[str, Any]:
        """A new item starts today (or when the plan starts), is due at the plan's end, and is owned
        by the person adding it on their side and by the principal on the other."""
        principals = dict(
            Membership.objects.active()
            .filter(jurisdiction_id=plan.jurisdiction_id, role__in=sides.PRINCIPAL_ROLES)
            .values_list("role", "user_id")
        )
        mine = permissions.sides_for(user, plan)
        today = timezone.localdate()
        return {
            "side": ItemSide.JOINT,
            "cio_owner": user.pk if "cio" in mine else principals.get("cio"),
            "cpo_owner": user.pk if "cpo" in mine else principals.get("cpo"),
            "starts_on": min(max(today, plan.starts_on), plan.ends_on),
            "due_on": plan.ends_on,
        }

    def clean_description(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; stored text uses LF. Without this, saving an
        # untouched description would count as changing it, and void both sides' signatures.
        return self.cleaned_data["description"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An owner for a side that does not own the item means nothing; drop it rather than refuse.
        if cleaned.get("side") == ItemSide.CIO:
            cleaned["cpo_owner"] = None
        elif cleaned.get("side") == ItemSide.CPO:
            cleaned["cio_owner"] = None
        return cleaned

    def item_fields(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        return {name: self.cleaned_data[name] for name in (*services.EDITABLE_FIELDS, *services.LINKED_FIELDS)}


class UpdateForm(forms.Form):
    """An owner's check-in. `sides` are the offices the author may report for on this item."""

    side = forms.ChoiceField(choices=(), widget=forms.RadioSelect, label="Reporting for")
    status = forms.ChoiceField(choices=Status.choices)
    progress = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Progress (%)",
        help_text="How much of the item is finished, from 0 to 100.",
        error_messages={
            "min_value": "Progress is a percentage from 0 to 100.",
            "max_value": "Progress is a percentage from 0 to 100.",
            "invalid": "Enter progress as a whole number from 0 to 100.",
        },
    )
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What happened since the last update",
        help_text="A sentence or two is enough. Markdown: **bold**, *italic*, lists and links.",
        error_messages={"required": "Say in a sentence or two what happened since the last update."},
    )
    confidence = forms.ChoiceField(
        choices=[("", "Not stated"), *Update.Confidence.choices],
        required=False,
        label="Confidence that it will be done by the due date",
    )

    def __init__(self, *args: Any, item: Item, sides: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sides = list(sides)
        if len(self.sides) > 1:
            cast(forms.ChoiceField, self.fields["side"]).choices = [(side, SIDE_LABELS[side]) for side in self.sides]
        else:
            # One office only: which side this is goes without saying.
            del self.fields["side"]
        if item.side == ItemSide.JOINT:
            cast(forms.ChoiceField, self.fields["status"]).choices = [c for c in Status.choices if c[0] != Status.DONE]
            self.fields["status"].help_text = (
                "Done is not offered: a joint item is done only when both sides sign off. "
                "Post your status here, then use Sign off."
            )
        if not self.is_bound and self.sides:
            own_status = getattr(item, f"{self.sides[0]}_status") or item.status
            if item.side == ItemSide.JOINT and own_status == Status.DONE:
                own_status = Status.ON_TRACK
            self.initial = {"side": self.sides[0], "status": own_status, "progress": item.progress, **self.initial}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "side" not in self.fields:
            mine = self.sides[0] if self.sides else ""
            posted = self.data.get("side", "")
            if posted and posted != mine:
                # Someone who reports for one office sent another: refuse, never record it as theirs.
                raise forms.ValidationError(
                    f"You report for the {SIDE_LABELS.get(mine, 'your')} of this item only, so the update "
                    f"cannot be posted for another side."
                )
            cleaned["side"] = mine
        return cleaned


class CommentForm(forms.Form):
    """A comment in Markdown; `members` are the people who may be @mentioned (listed as help)."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Comment",
        error_messages={"required": "Write something before posting."},
    )

    def __init__(self, *args: Any, members: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = list(members)
        if everyone:
            handles = format_html_join(
                ", ", "@{} ({})", ((services.mention_handle(m, everyone), m.full_name or m.email) for m in everyone)
            )
            self.fields["body"].help_text = format_html(
                "Markdown: **bold**, *italic*, lists and links. To notify someone, mention them: {}.", handles
            )
        else:
            self.fields["body"].help_text = "Markdown: **bold**, *italic*, lists and links."


class EvidenceForm(forms.Form):
    """One file of evidence. The browser's `accept` list is a convenience; the service checks content."""

    file = forms.FileField(
        label="Add evidence",
        help_text="PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV, up to 10 MB",
        widget=forms.FileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Choose a file to upload."},
    )


class SignOffForm(forms.Form):
    """Which side signs: a hidden value, set by the button's own form."""

    side = forms.ChoiceField(choices=sides.OFFICE_CHOICES, widget=forms.HiddenInput())


class SignOffConfirmForm(SignOffForm):
    """Sign, with a note on what was done (optional; asked for when the office never posted)."""

    note = forms.CharField(
        max_length=services.SIGN_OFF_NOTE_MAX,
        required=False,
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."},
    )


class ReopenForm(forms.Form):
    """Take a done item back into work: the reason is required and the other office is told."""

    reason = forms.CharField(
        max_length=services.REOPEN_REASON_MAX,
        label="Why reopen it?",
        help_text="The other office is told, and the reason stays in the item's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the item is reopened: the other office is told.",
            "max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d).",
        },
    )


class WithdrawForm(SignOffForm):
    """Take back a side's signature, optionally saying why (kept in the timeline)."""

    reason = forms.CharField(
        max_length=services.WITHDRAW_REASON_MAX,
        required=False,
        label="Reason (optional)",
        error_messages={"max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d)."},
    )


# --- Adoption: a state's status on a recommendation, with evidence --------------------------------


class AdoptionItemsField(forms.ModelMultipleChoiceField):
    """Plan items, shown with their plan so two plans' items of the same name can be told apart."""

    def label_from_instance(self, obj: Item) -> str:
        suffix = " (archived)" if obj.archived_at else ""
        return f"{obj.title} · {obj.plan.period}{suffix}"


class AdoptionForm(forms.Form):
    """A state's status on one recommendation, its evidence and the items that carry it out.

    `items` are the state's current items (plus any archived item already linked, so that saving
    does not silently drop it); the service checks the evidence rule and the items again."""

    status = forms.ChoiceField(
        choices=Adoption.Status.choices, widget=forms.RadioSelect, label="Where your state stands"
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Note",
        help_text="What your state has done or plans to do. Markdown: **bold**, *italic*, lists and links.",
    )
    evidence_kind = forms.ChoiceField(
        choices=[("", "Choose a kind"), *Adoption.EvidenceKind.choices],
        required=False,
        label="Kind of evidence",
        help_text="Needed when you give a link or a document.",
    )
    evidence_url = forms.URLField(
        max_length=500,
        required=False,
        label="Evidence link",
        help_text="Where the statute, executive order, policy or contract clause can be read, e.g. https://….",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Enter a full web address starting with https://."},
    )
    evidence_file = forms.FileField(
        required=False,
        label="Evidence document",
        help_text=f"Or upload the document: PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV, up to "
        f"{evidence.MAX_BYTES // 1024 // 1024} MB.",
        widget=forms.FileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}),
    )
    remove_evidence_file = forms.BooleanField(required=False, label="Remove the stored document")
    is_public = forms.BooleanField(
        required=False,
        label="Show this status on the public adoption page",
        help_text="Anyone, without signing in, may then read your state's status on this recommendation and "
        "the evidence link, if there is one. The note and any uploaded document stay private.",
    )
    items = AdoptionItemsField(
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plan items that carry it out",
    )

    # The record's newest change when the form was opened (adoption.seen_change_for), so that a
    # save from a form opened before someone else's change is stopped and shown that change.
    seen_change = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput(),
        error_messages={"required": "This form is out of date: reload the page and enter your changes again."},
    )

    def __init__(
        self, *args: Any, items: list[Item], adoption: Adoption | None, seen_change: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_change"].initial = seen_change
        items_field = cast(AdoptionItemsField, self.fields["items"])
        items_field.queryset = Item.objects.filter(pk__in=[item.pk for item in items]).select_related("plan")
        self.fields["items"].error_messages["invalid_choice"] = "Link only items from your state's own plans."
        if not items:
            del self.fields["items"]
        if adoption is None or not adoption.evidence_file:
            del self.fields["remove_evidence_file"]
        else:
            self.fields["remove_evidence_file"].help_text = f"On file now: {adoption.evidence_name}."
            self.fields["evidence_file"].label = "Replace the evidence document"
        if not self.is_bound and adoption is not None:
            linked = set(adoption.items.values_list("pk", flat=True))
            self.initial = {
                "status": adoption.status,
                "note": adoption.note,
                "evidence_kind": adoption.evidence_kind,
                "evidence_url": adoption.evidence_url,
                "is_public": adoption.is_public,
                "items": [item.pk for item in items if item.pk in linked],
                **self.initial,
            }
        elif not self.is_bound:
            self.initial = {"status": Adoption.Status.NOT_STARTED, **self.initial}
        if self.is_bound and self.files.get("evidence_file"):
            # Shown only when the form comes back with a problem: a browser never refills a file input.
            self.fields[
                "evidence_file"
            ].help_text += " Choose the file again: browsers do not keep it when a form comes back."

    def adoption_fields(self) -> dict[str, Any]:
        """The cleaned values, named as record_adoption takes them."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "note": data["note"],
            "evidence_kind": data["evidence_kind"],
            "evidence_url": data["evidence_url"],
            "evidence_file": data["evidence_file"],
            "remove_evidence_file": data.get("remove_evidence_file", False),
            "is_public": data["is_public"],
            "items": list(data.get("items") or []),
            "seen_change": data["seen_change"],
        }
