"""Forms of the roundtables pages, one section per area. They parse and check input; the services
decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator

from actionplan import evidence
from actionplan.models import Item
from roundtables.models import Adoption

# --- adoption: a state's status on a recommendation, with evidence --------------------------------


class AdoptionItemsField(forms.ModelMultipleChoiceField):
    """Plan items, shown with their plan so two plans' items of the same name can be told apart."""

    def label_from_instance(self, obj: Item) -> str:  # type: ignore[override]
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
    items = AdoptionItemsField(
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plan items that carry it out",
    )

    def __init__(self, *args: Any, items: list[Item], adoption: Adoption | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(pk__in=[item.pk for item in items]).select_related("plan")
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
                "items": [item.pk for item in items if item.pk in linked],
            } | self.initial
        elif not self.is_bound:
            self.initial = {"status": Adoption.Status.NOT_STARTED} | self.initial
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
            "items": list(data.get("items") or []),
        }
