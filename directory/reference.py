"""Reference data owned by the directory: the 56 jurisdictions and the two associations.

Loaded by `manage.py load_reference`, which can be re-run at any time to correct a row: each
entry is matched on its natural key (USPS code, association code) and brought up to date.

Time zones are those of each capital. Fiscal years start in July except where noted
(New York: April; Texas: September; Alabama, Michigan, DC and the territories other than
Puerto Rico: October).
"""

from __future__ import annotations

from typing import NamedTuple


class JurisdictionRow(NamedTuple):
    code: str
    name: str
    kind: str
    tz: str
    fiscal_year_start_month: int


JUL, APR, SEP, OCT = 7, 4, 9, 10
ET, CT, MT, PT = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"

JURISDICTIONS: list[JurisdictionRow] = [
    JurisdictionRow("AL", "Alabama", "state", CT, OCT),
    JurisdictionRow("AK", "Alaska", "state", "America/Juneau", JUL),
    JurisdictionRow("AZ", "Arizona", "state", "America/Phoenix", JUL),
    JurisdictionRow("AR", "Arkansas", "state", CT, JUL),
    JurisdictionRow("CA", "California", "state", PT, JUL),
    JurisdictionRow("CO", "Colorado", "state", MT, JUL),
    JurisdictionRow("CT", "Connecticut", "state", ET, JUL),
    JurisdictionRow("DE", "Delaware", "state", ET, JUL),
    JurisdictionRow("FL", "Florida", "state", ET, JUL),
    JurisdictionRow("GA", "Georgia", "state", ET, JUL),
    JurisdictionRow("HI", "Hawaii", "state", "Pacific/Honolulu", JUL),
    JurisdictionRow("ID", "Idaho", "state", "America/Boise", JUL),
    JurisdictionRow("IL", "Illinois", "state", CT, JUL),
    JurisdictionRow("IN", "Indiana", "state", "America/Indiana/Indianapolis", JUL),
    JurisdictionRow("IA", "Iowa", "state", CT, JUL),
    JurisdictionRow("KS", "Kansas", "state", CT, JUL),
    JurisdictionRow("KY", "Kentucky", "state", ET, JUL),
    JurisdictionRow("LA", "Louisiana", "state", CT, JUL),
    JurisdictionRow("ME", "Maine", "state", ET, JUL),
    JurisdictionRow("MD", "Maryland", "state", ET, JUL),
    JurisdictionRow("MA", "Massachusetts", "state", ET, JUL),
    JurisdictionRow("MI", "Michigan", "state", "America/Detroit", OCT),
    JurisdictionRow("MN", "Minnesota", "state", CT, JUL),
    JurisdictionRow("MS", "Mississippi", "state", CT, JUL),
    JurisdictionRow("MO", "Missouri", "state", CT, JUL),
    JurisdictionRow("MT", "Montana", "state", MT, JUL),
    JurisdictionRow("NE", "Nebraska", "state", CT, JUL),
    JurisdictionRow("NV", "Nevada", "state", PT, JUL),
    JurisdictionRow("NH", "New Hampshire", "state", ET, JUL),
    JurisdictionRow("NJ", "New Jersey", "state", ET, JUL),
    JurisdictionRow("NM", "New Mexico", "state", MT, JUL),
    JurisdictionRow("NY", "New York", "state", ET, APR),
    JurisdictionRow("NC", "North Carolina", "state", ET, JUL),
    JurisdictionRow("ND", "North Dakota", "state", CT, JUL),
    JurisdictionRow("OH", "Ohio", "state", ET, JUL),
    JurisdictionRow("OK", "Oklahoma", "state", CT, JUL),
    JurisdictionRow("OR", "Oregon", "state", PT, JUL),
    JurisdictionRow("PA", "Pennsylvania", "state", ET, JUL),
    JurisdictionRow("RI", "Rhode Island", "state", ET, JUL),
    JurisdictionRow("SC", "South Carolina", "state", ET, JUL),
    JurisdictionRow("SD", "South Dakota", "state", CT, JUL),
    JurisdictionRow("TN", "Tennessee", "state", CT, JUL),
    JurisdictionRow("TX", "Texas", "state", CT, SEP),
    JurisdictionRow("UT", "Utah", "state", MT, JUL),
    JurisdictionRow("VT", "Vermont", "state", ET, JUL),
    JurisdictionRow("VA", "Virginia", "state", ET, JUL),
    JurisdictionRow("WA", "Washington", "state", PT, JUL),
    JurisdictionRow("WV", "West Virginia", "state", ET, JUL),
    JurisdictionRow("WI", "Wisconsin", "state", CT, JUL),
    JurisdictionRow("WY", "Wyoming", "state", MT, JUL),
    JurisdictionRow("DC", "District of Columbia", "district", ET, OCT),
    JurisdictionRow("AS", "American Samoa", "territory", "Pacific/Pago_Pago", OCT),
    JurisdictionRow("GU", "Guam", "territory", "Pacific/Guam", OCT),
    JurisdictionRow("MP", "Northern Mariana Islands", "territory", "Pacific/Saipan", OCT),
    JurisdictionRow("PR", "Puerto Rico", "territory", "America/Puerto_Rico", JUL),
    JurisdictionRow("VI", "U.S. Virgin Islands", "territory", "America/St_Thomas", OCT),
]


class AssociationRow(NamedTuple):
    code: str
    name: str
    members_are: str
    website: str


ASSOCIATIONS: list[AssociationRow] = [
    AssociationRow(
        "NASCIO",
        "National Association of State Chief Information Officers",
        "state chief information officers",
        "https://www.nascio.org/",
    ),
    AssociationRow(
        "NASPO",
        "National Association of State Procurement Officials",
        "state chief procurement officials",
        "https://www.naspo.org/",
    ),
]


def load() -> dict[str, int]:
    """Create or correct every jurisdiction and association; returns how many rows changed."""
    from directory.models import Association, Jurisdiction

    changed = {"jurisdictions": 0, "associations": 0}
    for row in JURISDICTIONS:
        fields = row._asdict()
        code = fields.pop("code")
        if upsert(Jurisdiction, {"code": code}, fields):
            changed["jurisdictions"] += 1
    for row in ASSOCIATIONS:
        fields = row._asdict()
        code = fields.pop("code")
        if upsert(Association, {"code": code}, fields):
            changed["associations"] += 1
    return changed


def upsert(model: type, key: dict[str, object], fields: dict[str, object]) -> bool:
    """Create the row, or update only the fields that differ. True if anything was written."""
    obj = model.objects.filter(**key).first()
    if obj is None:
        model.objects.create(**key, **fields)
        return True
    stale = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in stale:
        setattr(obj, name, fields[name])
    if stale:
        obj.full_clean()
        obj.save(update_fields=stale)
    return bool(stale)
