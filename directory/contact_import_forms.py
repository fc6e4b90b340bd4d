"""The contact import's form: one CSV or XLSX file (directory/contact_import.py reads it)."""

from __future__ import annotations

from django import forms

from directory.contact_import import MAX_BYTES, MAX_ROWS

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    """The file; its size is checked here, before anything reads it."""

    file = forms.FileField(
        label="Contact list",
        help_text=f"CSV (UTF-8) or XLSX, up to {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} people.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "Choose a CSV or XLSX file to preview.", "empty": "The file is empty."},
    )

    def clean_file(self) -> forms.Field:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it and import each part."
            )
        return upload
