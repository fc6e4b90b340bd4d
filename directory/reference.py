"""Reference data owned by the directory: the 56 jurisdictions and the two associations.

Loaded by `manage.py load_reference`, which runs on every deploy and can be re-run at any time:
each entry is matched on its natural key (USPS code, association code), created when missing and
corrected while nobody has edited it. `upsert`, below, is how every app's reference rows are
written, and the one place that rule lives.

Time zones are those of each capital. Fiscal years start in July except where noted
(New York: April; Texas: September; Alabama, Michigan, DC and the territories other than
Puerto Rico: October).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone


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


def load() -> Tally:
    """Create or correct every jurisdiction and association nobody has edited."""
    from directory.models import Association, Jurisdiction

    tally = Tally("jurisdictions", "associations")
    for row in JURISDICTIONS:
        fields = row._asdict()
        code = fields.pop("code")
        tally.add("jurisdictions", upsert(Jurisdiction, {"code": code}, fields))
    for association_row in ASSOCIATIONS:
        fields = association_row._asdict()
        code = fields.pop("code")
        tally.add("associations", upsert(Association, {"code": code}, fields))
    return tally


# --- Writing reference rows ---------------------------------------------------------------------
# The seed yields to staff. Each row remembers (in a SeededRow) the values and links the seed last
# wrote into it. A load changes a row only while the row still holds exactly those values and
# links, that is while nobody has edited it since; then it writes the seed's values as they are
# now and remembers them. A row staff edited in the admin, or a seeded link staff removed, is left
# as it is, and counted as kept. A missing row is created. A row the seed has no record of yet
# (seeded before the seed kept records, or added by staff under a seeded key) is taken as the
# seed's only when it already says what the seed says.


class Seeded(enum.StrEnum):
    """What upsert did to one row."""

    CREATED = "created"
    CORRECTED = "corrected"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # staff edited it since the seed last wrote it: left as it is


class Tally:
    """What a load did, by kind of row: how many rows it created or corrected, and how many it left
    as staff edited them. Loads of several apps add up with `|`."""

    def __init__(self, *kinds: str) -> None:
        self.changed: dict[str, int] = dict.fromkeys(kinds, 0)
        self.kept: dict[str, int] = dict.fromkeys(kinds, 0)

    def add(self, kind: str, outcome: Seeded) -> Seeded:
        """Count one row's outcome under `kind`; returns the outcome."""
        if outcome in (Seeded.CREATED, Seeded.CORRECTED):
            self.changed[kind] += 1
        elif outcome == Seeded.KEPT:
            self.kept[kind] += 1
        return outcome

    def __or__(self, other: Tally) -> Tally:
        merged = Tally()
        merged.changed = self.changed | other.changed
        merged.kept = self.kept | other.kept
        return merged


def _plain(value: object) -> Any:
    """A field's value as JSON can hold it and compare it: a row as its primary key, a moment in
    UTC, a date as ISO text, lists for tuples."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _current(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The row's values of the named fields, plain (a foreign key by its id, without a query).
    A field the model no longer has reads as missing."""
    known = {f.name: f for f in obj._meta.concrete_fields}
    return {name: _plain(getattr(obj, known[name].attname)) if name in known else None for name in names}


def upsert(
    model: type[models.Model],
    key: Mapping[str, object],
    fields: Mapping[str, object],
    *,
    links: Mapping[str, Iterable[models.Model]] | None = None,
) -> Seeded:
    """Create the row with `fields` and its many-to-many `links`, or bring it up to date while
    nobody has edited it since the seed last wrote it (see above). Links are only ever added: a
    link staff made is never removed, nor one the seed stopped asking for."""
    from django.contrib.contenttypes.models import ContentType

    from directory.models import SeededRow

    content_type = ContentType.objects.get_for_model(model)
    targets = {name: list(rows) for name, rows in (links or {}).items()}
    wanted = {
        "fields": {name: _plain(value) for name, value in fields.items()},
        "links": {name: sorted(row.pk for row in rows) for name, rows in targets.items()},
    }
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model._default_manager.create(**key, **fields)
        for name, rows in targets.items():
            getattr(obj, name).add(*rows)
        SeededRow.objects.create(content_type=content_type, object_id=obj.pk, values=wanted)
        return Seeded.CREATED

    record = SeededRow.objects.filter(content_type=content_type, object_id=obj.pk).first()
    last = record.values if record is not None else wanted
    current = _current(obj, {*last["fields"], *fields})
    have = {name: set(getattr(obj, name).values_list("pk", flat=True)) for name in {*last["links"], *targets}}
    edited_field = any(current[name] != value for name, value in last["fields"].items())
    removed_link = any(not set(pks) <= have[name] for name, pks in last["links"].items())
    if edited_field or removed_link:
        return Seeded.KEPT

    stale = [name for name in fields if current[name] != wanted["fields"][name]]
    for name in stale:
        setattr(obj, name, fields[name])
    if stale:
        obj.full_clean()
        obj.save(update_fields=stale)
    added = False
    for name, rows in targets.items():
        missing = [row for row in rows if row.pk not in have[name]]
        if missing:
            getattr(obj, name).add(*missing)
            added = True
    if record is None:
        SeededRow.objects.create(content_type=content_type, object_id=obj.pk, values=wanted)
    elif record.values != wanted:
        record.values, record.written_at = wanted, timezone.now()
        record.save(update_fields=["values", "written_at"])
    return Seeded.CORRECTED if stale or added else Seeded.UNCHANGED
